import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * Kernel settings a test changed, with the value to put back. A sysctl outlives the test process, so
 * every change is undone by restore() (call it in finally/afterAll) and, should the test crash or be
 * killed by a timeout first, by the exit hook below.
 */
const originals = new Map<string, string>();

process.once('exit', () => {
  for (const [path, value] of originals) {
    try {
      writeFileSync(path, value);
    } catch {
      // Nothing more can be done while exiting; the value stays as the test left it.
    }
  }
  originals.clear();
});

/** "net.netfilter.nf_conntrack_max" or "net/netfilter/nf_conntrack_max" -> its /proc/sys path. */
export function sysctlPath(key: string): string {
  return `/proc/sys/${key.replaceAll('.', '/')}`;
}

/** Reads a sysctl of this process's namespaces, trimmed. */
export async function readSysctl(key: string): Promise<string> {
  return (await readFile(sysctlPath(key), 'utf8')).trim();
}

export interface SysctlOverride {
  readonly key: string;
  /** The value before the first override of this key in this process. */
  readonly original: string;
  /** Puts the original back; safe to call more than once. */
  restore(): Promise<void>;
}

/**
 * Sets a sysctl and remembers the value it had. Setting the same key again keeps the first original, so
 * restoring always returns to the state before the test touched it.
 */
export async function setSysctl(key: string, value: string | number): Promise<SysctlOverride> {
  const path = sysctlPath(key);
  const original = originals.get(path) ?? (await readSysctl(key));
  originals.set(path, original);
  await writeFile(path, String(value));
  return {
    key,
    original,
    async restore() {
      if (!originals.has(path)) return;
      await writeFile(path, original);
      originals.delete(path);
    },
  };
}
