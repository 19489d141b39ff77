import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Device name shown in mountinfo, so a leaked mount is easy to recognise (`grep nodedoc-test /proc/mounts`). */
const SOURCE = 'nodedoc-test';
/** Large writes fill most of the space quickly; the small ones then take the last free pages. */
const BIG_CHUNK_BYTES = 1 << 20;
const SMALL_CHUNK_BYTES = 4096;

/** Mounts this process made, lazily unmounted on exit even if a test forgets or crashes mid-way. */
const mounted = new Set<string>();
process.once('exit', () => {
  for (const dir of mounted) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // already unmounted
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

export interface TmpfsOptions {
  /** tmpfs size= option, e.g. "16M". */
  readonly size: string;
  /** tmpfs nr_inodes= option: how many inodes the filesystem may ever hold (the root directory takes one). */
  readonly nrInodes?: number;
}

/** A tmpfs the test mounted on a fresh temporary directory. */
export interface Tmpfs {
  readonly dir: string;
  /** Writes one file until the kernel says ENOSPC; returns the bytes that fit. */
  fillSpace(): Promise<number>;
  /** Creates empty files until the kernel says ENOSPC; returns how many were created. */
  fillInodes(): Promise<number>;
  /** Removes everything fillSpace and fillInodes wrote: the filesystem is as fresh as it was mounted. */
  empty(): Promise<void>;
  remountReadOnly(): Promise<void>;
  unmount(): Promise<void>;
}

function isNoSpace(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';
}

async function writeUntilFull(path: string): Promise<number> {
  const file = await open(path, 'w');
  let written = 0;
  try {
    for (const size of [BIG_CHUNK_BYTES, SMALL_CHUNK_BYTES]) {
      const chunk = Buffer.alloc(size, 0x61);
      for (;;) {
        try {
          const { bytesWritten } = await file.write(chunk);
          written += bytesWritten;
          // A short write means the filesystem took what it could; the next write reports ENOSPC.
        } catch (error) {
          if (isNoSpace(error)) break;
          throw error;
        }
      }
    }
  } finally {
    await file.close();
  }
  return written;
}

async function createUntilFull(dir: string): Promise<number> {
  for (let count = 0; ; count += 1) {
    try {
      await writeFile(join(dir, `empty-${count}`), '');
    } catch (error) {
      if (isNoSpace(error)) return count;
      throw error;
    }
  }
}

export async function mountTmpfs(prefix: string, options: TmpfsOptions): Promise<Tmpfs> {
  const dir = await mkdtemp(join(tmpdir(), `nodedoc-${prefix}-`));
  const mountOptions = [`size=${options.size}`, 'mode=0755'];
  if (options.nrInodes !== undefined) mountOptions.push(`nr_inodes=${options.nrInodes}`);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', mountOptions.join(','), SOURCE, dir]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  mounted.add(dir);
  return {
    dir,
    fillSpace: () => writeUntilFull(join(dir, 'filler')),
    fillInodes: () => createUntilFull(dir),
    async empty() {
      for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
    },
    async remountReadOnly() {
      await run('mount', ['-o', 'remount,ro', dir]);
    },
    async unmount() {
      if (!mounted.has(dir)) return;
      await run('umount', [dir]);
      mounted.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
