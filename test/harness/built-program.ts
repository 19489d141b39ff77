import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of a built program (`agent/main.js` → `<repo>/dist/agent/main.js`). The harness runs from its
 * sources under vitest (test/harness, two levels below the repository) and compiled, when a benchmark
 * imports it (dist/test/harness, two levels below dist/): in both cases the program is the one under dist/.
 */
export function builtProgram(relative: string): string {
  const twoUp = fileURLToPath(new URL('../..', import.meta.url));
  const fromSources = existsSync(join(twoUp, 'package.json'));
  return fromSources ? join(twoUp, 'dist', relative) : join(twoUp, relative);
}
