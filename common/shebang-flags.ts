import { readFileSync } from 'node:fs';

/**
 * The Node flags a program's `#!/usr/bin/env -S node FLAGS` line asks for, so that whoever launches it
 * with `process.execPath FILE` (the benchmark, the test harness, the start script) runs it as it ships.
 */
export function shebangNodeFlags(file: string): string[] {
  const firstLine = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node((?:\s+--[\w-]+(?:=\S+)?)*)\s*$/.exec(firstLine);
  return match?.[1] ? match[1].trim().split(/\s+/) : [];
}
