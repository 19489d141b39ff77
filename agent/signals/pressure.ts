import type { HostPaths } from '../host/host-paths.js';
import { readTextIfExists } from '../host/read-text.js';
import { parsePressure } from '../parsers/psi.js';
import type { Pressure } from '../sample-types.js';

/** /proc/pressure/<resource>, or null on kernels without PSI (the file does not exist). */
export async function readPressure(
  paths: HostPaths,
  resource: 'cpu' | 'memory' | 'io',
): Promise<Pressure | null> {
  const path = paths.proc(`pressure/${resource}`);
  const text = await readTextIfExists(path);
  return text === undefined ? null : parsePressure(path, text);
}
