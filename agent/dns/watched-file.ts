import { stat } from 'node:fs/promises';
import { describeFsError, readText, SignalError } from '../host/read-text.js';

interface Cached<T> {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
  readonly value: T;
}

/**
 * A config file read on the sampling hot path: stat every cycle (one syscall), read and parse only
 * when its mtime, size or inode changed (editors and config managers replace files by rename, which
 * changes the inode even within one mtime tick). A missing file is `undefined`; unreadable or malformed
 * files throw SignalError, and a failed parse is not cached, so the next cycle tries again.
 */
export class WatchedFile<T> {
  private cached: Cached<T> | undefined;

  constructor(
    readonly path: string,
    private readonly parse: (path: string, text: string) => T,
  ) {}

  async read(): Promise<T | undefined> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cached = undefined;
        return undefined;
      }
      throw new SignalError(describeFsError(this.path, error));
    }
    const cached = this.cached;
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size && cached.ino === info.ino) {
      return cached.value;
    }
    this.cached = undefined;
    const value = this.parse(this.path, await readText(this.path));
    this.cached = { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino, value };
    return value;
  }
}
