import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignalError } from '../host/read-text.js';
import { statusProtoFile } from './api-versions.js';

/**
 * proto/cri relative to this module: two levels up from the sources (agent/cri, run by vitest), three
 * from the build (dist/agent/cri). proto/ ships in the npm package next to dist/ ("files").
 */
const CANDIDATES = ['../../proto/cri/', '../../../proto/cri/'];

/** The include root of the CRI .proto files; a missing one is an install fault, reported by the signal. */
export function criProtoRoot(): string {
  const roots = CANDIDATES.map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)));
  const found = roots.find((root) => existsSync(`${root}${statusProtoFile('v1')}`));
  if (found === undefined) throw new SignalError(`CRI proto files not found (looked in ${roots.join(', ')})`);
  return found;
}
