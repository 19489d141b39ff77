import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { describeFsError, readText, SignalError } from '../host/read-text.js';
import { type KmsgRecord, parseKmsgRecord, splitKmsgText } from './kmsg-record.js';

/** What one drain of the kernel log produced. */
export interface KmsgBatch {
  readonly records: readonly KmsgRecord[];
  /** Device records that did not parse (skipped: one odd record must not hide the next OOM kill). */
  readonly malformed: number;
  /** EPIPE answers: the kernel overwrote records before we read them. */
  readonly overruns: number;
  /** The log was read to its end (EAGAIN); false when the per-drain cap stopped the read first. */
  readonly caughtUp: boolean;
}

export interface KmsgSource {
  readonly kind: 'device' | 'file';
  /** Reads records not returned before, at most `maxRecords`. */
  read(maxRecords: number): Promise<KmsgBatch>;
  close(): void;
}

/**
 * One read() returns one record; the kernel's own limit is CONSOLE_EXT_LOG_MAX (8 KiB). A smaller buffer
 * makes read() fail with EINVAL, so this leaves room.
 */
const RECORD_BUFFER_BYTES = 16 * 1024;

/**
 * The real /dev/kmsg: opened once, O_NONBLOCK, and kept open so each drain continues where the last one
 * stopped. Reads are synchronous on purpose: with O_NONBLOCK a read never waits (EAGAIN ends the drain),
 * and one syscall per record on the main thread is far cheaper than a thread-pool round trip per record.
 */
class KmsgDevice implements KmsgSource {
  readonly kind = 'device';
  private readonly buffer = Buffer.allocUnsafe(RECORD_BUFFER_BYTES);

  constructor(
    private fd: number | undefined,
    private readonly path: string,
  ) {}

  async read(maxRecords: number): Promise<KmsgBatch> {
    const fd = this.fd;
    if (fd === undefined) throw new SignalError(`${this.path}: closed`);
    const records: KmsgRecord[] = [];
    let malformed = 0;
    let overruns = 0;
    for (let attempt = 0; attempt < maxRecords; attempt += 1) {
      let length: number;
      try {
        length = readSync(fd, this.buffer, 0, this.buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') return { records, malformed, overruns, caughtUp: true };
        // The reader's position was overwritten; the next read continues at the oldest record left.
        if (code === 'EPIPE') {
          overruns += 1;
          continue;
        }
        throw new SignalError(describeFsError(this.path, error));
      }
      if (length === 0) return { records, malformed, overruns, caughtUp: true };
      try {
        records.push(parseKmsgRecord(this.buffer.toString('utf8', 0, length)));
      } catch (error) {
        if (!(error instanceof SignalError)) throw error;
        malformed += 1;
      }
    }
    return { records, malformed, overruns, caughtUp: false };
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * A regular file standing in for /dev/kmsg in a fixture tree (records one per line, as `cat /dev/kmsg`
 * prints them). Read whole each time; records already returned are recognised by sequence number.
 * Unlike the device, a malformed line makes the whole file unavailable: a fixture should be exact.
 */
class KmsgFile implements KmsgSource {
  readonly kind = 'file';
  private lastSeq = -1;

  constructor(private readonly path: string) {}

  async read(maxRecords: number): Promise<KmsgBatch> {
    const records: KmsgRecord[] = [];
    const texts = splitKmsgText(await readText(this.path));
    for (const [index, text] of texts.entries()) {
      let record: KmsgRecord;
      try {
        record = parseKmsgRecord(text);
      } catch (error) {
        if (error instanceof SignalError)
          throw new SignalError(`${this.path}: record ${index + 1}: ${error.message}`);
        throw error;
      }
      if (record.seq <= this.lastSeq) continue;
      if (records.length >= maxRecords) return { records, malformed: 0, overruns: 0, caughtUp: false };
      records.push(record);
      this.lastSeq = record.seq;
    }
    return { records, malformed: 0, overruns: 0, caughtUp: true };
  }

  close(): void {}
}

/** Opens the kernel log at `path`: the character device, or a regular file in a fixture tree. */
export function openKmsg(path: string): KmsgSource {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new SignalError(describeFsError(path, error));
  }
  let kind: 'device' | 'file' | undefined;
  try {
    const stats = fstatSync(fd);
    kind = stats.isCharacterDevice() ? 'device' : stats.isFile() ? 'file' : undefined;
  } finally {
    if (kind !== 'device') closeSync(fd);
  }
  if (kind === 'device') return new KmsgDevice(fd, path);
  if (kind === 'file') return new KmsgFile(path);
  throw new SignalError(`${path}: neither a character device nor a regular file`);
}
