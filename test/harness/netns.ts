import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Namespaces this process created, removed on exit even if a test forgets (or crashes mid-way). */
const created = new Set<string>();
process.once('exit', () => {
  for (const name of created) {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

/**
 * A network namespace made by and for one test: its own loopback, conntrack table and nftables
 * ruleset, so tests never touch the host's network or any address outside it.
 */
export interface Netns {
  readonly name: string;
  /** Runs a command inside the namespace and returns its stdout. */
  exec(file: string, args: readonly string[]): Promise<string>;
  /** Starts a long-running process inside the namespace. */
  spawn(file: string, args: readonly string[], options?: { stdio?: 'ignore' | 'pipe' }): ChildProcess;
  /** Kills what runs inside and deletes the namespace. */
  destroy(): Promise<void>;
}

export async function createNetns(prefix: string): Promise<Netns> {
  const name = `nodedoc-${prefix}-${randomBytes(3).toString('hex')}`;
  await run('ip', ['netns', 'add', name]);
  created.add(name);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  const children: ChildProcess[] = [];
  return {
    name,
    async exec(file, args) {
      const { stdout } = await run('ip', ['netns', 'exec', name, file, ...args]);
      return stdout;
    },
    spawn(file, args, options = {}) {
      const child = spawn('ip', ['netns', 'exec', name, file, ...args], { stdio: options.stdio ?? 'ignore' });
      children.push(child);
      return child;
    },
    async destroy() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      const { stdout } = await run('ip', ['netns', 'pids', name]).catch(() => ({ stdout: '' }));
      for (const pid of stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      created.delete(name);
    },
  };
}
