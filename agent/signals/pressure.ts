import type { HostPaths } from '../host/host-paths.js';
import { readTextIfExists } from '../host/read-text.js';
import { parsePressure } from '../parsers/psi.js';
import type { Pressure } from '../sample-types.js';
import { createPressureWindow, type PressureRead } from './pressure-window.js';

/** /proc/pressure/<resource>, or null on kernels without PSI (the file does not exist). */
async function readPressure(
  paths: HostPaths,
  resource: 'cpu' | 'memory' | 'io',
): Promise<PressureRead | null> {
  const path = paths.proc(`pressure/${resource}`);
  const text = await readTextIfExists(path);
  // Stamped as soon as the text is back (procfs is read synchronously, see read-text.ts): the interval
  // share divides the growth of the total by the time between two reads.
  const atNs = process.hrtime.bigint();
  return text === undefined ? null : { file: parsePressure(path, text), atNs };
}

/**
 * A reader of one resource's PSI file for a stateful signal: each call reads the file and returns it with
 * the stall share of the interval since the previous call (see pressure-window.ts); null without PSI.
 */
export function createPressureReader(
  paths: HostPaths,
  resource: 'cpu' | 'memory' | 'io',
): () => Promise<Pressure | null> {
  const window = createPressureWindow();
  return async () => window(await readPressure(paths, resource));
}
