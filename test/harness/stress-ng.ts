import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/** Process groups of stress-ng runs this process started, killed on exit even if a test forgets. */
const groups = new Set<number>();
process.once('exit', () => {
  for (const pgid of groups) killGroup(pgid);
});

function killGroup(pgid: number): void {
  try {
    // Negative pid: the whole group stress-ng leads (it forks one worker per stressor instance).
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface StressRun {
  readonly child: ChildProcess;
  /** Kills stress-ng and its workers and waits for the leader to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the real stress-ng in its own process group. Always give it a bounded `--timeout` in `args`, so
 * even a test runner killed with SIGKILL does not leave it burning CPU for long.
 */
export function startStressNg(args: readonly string[]): StressRun {
  const child = spawn('stress-ng', [...args], { detached: true, stdio: 'ignore' });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('stress-ng did not start');
  groups.add(pgid);
  return {
    child,
    async stop() {
      const exited = child.exitCode !== null || child.signalCode !== null;
      killGroup(pgid);
      groups.delete(pgid);
      if (!exited) await once(child, 'exit');
    },
  };
}

/** Online CPUs as the agent counts them: the cpuN lines of /proc/stat (a test sizes its hogs by it). */
export function onlineCpus(): number {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line)).length;
}
