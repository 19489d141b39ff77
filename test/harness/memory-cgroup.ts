import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

/**
 * A memory cgroup of the v1 hierarchy, where this machine's memory controller lives (the sandbox binds it
 * there; the unified hierarchy has none): a test sets its limit, runs a process inside and gets a real OOM
 * kill from the kernel.
 */

export const MEMORY_ROOT = '/sys/fs/cgroup/memory';

/** For requires(): why a cgroup v1 memory controller cannot be used here, or undefined if it can. */
export function memoryCgroupV1Missing(): string | undefined {
  return existsSync(`${MEMORY_ROOT}/memory.limit_in_bytes`)
    ? undefined
    : `a cgroup v1 memory controller at ${MEMORY_ROOT}`;
}

/** A cgroup v1 memory cgroup made for a test; remove() kills what is inside and deletes it. */
export class MemoryCgroup {
  readonly name = `nodedoc-oom-${randomBytes(3).toString('hex')}`;
  readonly dir = `${MEMORY_ROOT}/${this.name}`;
  /** The path the kernel prints in task_memcg. */
  readonly path = `/${this.name}`;
  private readonly fallback = () => this.remove();

  constructor() {
    mkdirSync(this.dir);
    process.once('exit', this.fallback);
  }

  /** Caps memory, and memory plus swap where the kernel accounts swap: without that the task would swap. */
  limit(bytes: number): void {
    this.write('memory.limit_in_bytes', String(bytes));
    if (existsSync(`${this.dir}/memory.memsw.limit_in_bytes`)) {
      this.write('memory.memsw.limit_in_bytes', String(bytes));
    }
  }

  /**
   * Runs a shell command inside the cgroup, in its own process group: the shell joins the cgroup and then
   * becomes the command, so every process of the run is inside from its first allocation.
   */
  spawnInside(command: string): ChildProcess {
    return spawn('sh', ['-c', `echo $$ > ${this.dir}/cgroup.procs && exec ${command}`], {
      detached: true,
      stdio: 'ignore',
    });
  }

  write(file: string, value: string): void {
    writeFileSync(`${this.dir}/${file}`, value);
  }

  read(file: string): string {
    return readFileSync(`${this.dir}/${file}`, 'utf8');
  }

  pids(): number[] {
    return this.read('cgroup.procs').split('\n').filter(Boolean).map(Number);
  }

  /** Synchronous, so the same code serves the exit fallback. */
  remove(): void {
    process.removeListener('exit', this.fallback);
    if (!existsSync(this.dir)) return;
    try {
      // Waiters frozen at the limit must be able to run (and die).
      this.write('memory.oom_control', '0');
    } catch {
      // best effort
    }
    for (let attempt = 0; attempt < 100; attempt += 1) {
      for (const pid of existsSync(this.dir) ? this.pids() : []) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      try {
        rmdirSync(this.dir);
        return;
      } catch {
        // EBUSY until the killed tasks are gone
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
  }
}
