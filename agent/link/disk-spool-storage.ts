import { type FileHandle, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checksumMatches,
  decodeHeader,
  encodeRecord,
  RECORD_HEADER_BYTES,
  type RecordHeader,
  type SpoolRecord,
} from './spool-record.js';
import {
  type RecoveredSpool,
  type SegmentSummary,
  SpoolCorruptionError,
  type SpoolState,
  type SpoolStorage,
} from './spool-storage.js';

const STATE_FILE = 'spool-state.json';
/** Segment files are named by their first sequence, zero-padded so names sort like numbers. */
const SEGMENT_NAME = /^(\d{20})\.seg$/;
const SEQUENCE_DIGITS = 20;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const DECIMAL = /^\d{1,20}$/;

function segmentName(first: bigint): string {
  return `${first.toString().padStart(SEQUENCE_DIGITS, '0')}.seg`;
}

/** fsync of a directory, so a created or renamed entry survives a power loss, not only a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads exactly `length` bytes at `position`; fewer only at the end of the file. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The header of the record starting at `offset`, or why there is no valid record there. */
async function readHeaderAt(
  handle: FileHandle,
  offset: number,
  size: number,
  expected: bigint,
): Promise<RecordHeader | string> {
  if (size - offset < RECORD_HEADER_BYTES) return 'a header cut short';
  const header = decodeHeader(await readAt(handle, offset, RECORD_HEADER_BYTES));
  if (header === undefined) return 'an impossible record length';
  if (header.sequence !== expected) return `sequence ${header.sequence} where ${expected} belongs`;
  if (offset + RECORD_HEADER_BYTES + header.payloadLength > size) return 'a payload cut short';
  return header;
}

/** The whole record starting at `offset`, checksum verified, or why there is no valid record there. */
async function readRecordAt(
  handle: FileHandle,
  offset: number,
  size: number,
  expected: bigint,
): Promise<SpoolRecord | string> {
  const header = await readHeaderAt(handle, offset, size, expected);
  if (typeof header === 'string') return header;
  const bytes = await readAt(handle, offset, RECORD_HEADER_BYTES + header.payloadLength);
  if (!checksumMatches(bytes, header)) return 'a checksum mismatch';
  return { sequence: header.sequence, payload: bytes.subarray(RECORD_HEADER_BYTES) };
}

/** Where the next read of a segment can start without stepping over the records before it again. */
interface ReadCursor {
  readonly segment: bigint;
  /** The last sequence read; the record after it starts at `offset`. */
  readonly sequence: bigint;
  readonly offset: number;
}

/**
 * The spool on disk, in <spool-dir>/reports/: segment files of length-prefixed, checksummed records
 * (spool-record.ts) and spool-state.json (epoch and the released sequence). Every append is fdatasync'd
 * before it resolves. A crash or SIGKILL of the agent alone would not need it (the page cache survives
 * the process), but a kernel panic or power loss would: the reports from just before a node dies are the
 * evidence nodedoc exists to deliver, and the link sends a record only once it is durable, so a record the
 * collector may have seen is never lost or renumbered.
 */
export class DiskSpoolStorage implements SpoolStorage {
  readonly durable = true;
  /** The segment being appended to, kept open. */
  private writer: { segment: bigint; handle: FileHandle; size: number } | undefined;
  /** The segment being read back (a replay walks one segment at a time), kept open. */
  private reader: { segment: bigint; handle: FileHandle } | undefined;
  private cursor: ReadCursor | undefined;

  constructor(readonly location: string) {}

  async recover(): Promise<RecoveredSpool> {
    await mkdir(this.location, { recursive: true, mode: DIR_MODE });
    const repairs: string[] = [];
    const state = await this.loadState(repairs);
    const names = (await readdir(this.location)).sort();
    const segments: SegmentSummary[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        // A state write that a crash interrupted before its rename: the old state is still in place.
        await unlink(join(this.location, name));
        continue;
      }
      const match = SEGMENT_NAME.exec(name);
      if (!match?.[1]) continue;
      const first = BigInt(match[1]);
      const previous = segments.at(-1);
      if (previous !== undefined && first <= previous.last) {
        repairs.push(`${name}: removed, its sequences overlap the segment before it`);
        await unlink(join(this.location, name));
        continue;
      }
      const summary = await this.recoverSegment(name, first, repairs);
      if (summary) segments.push(summary);
    }
    return { state, segments, repairs };
  }

  async saveState(state: SpoolState): Promise<void> {
    const target = join(this.location, STATE_FILE);
    const temporary = `${target}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w', FILE_MODE);
    try {
      await handle.writeFile(
        `${JSON.stringify({ epoch: state.epoch, released: state.released.toString() })}\n`,
      );
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    await syncDirectory(this.location);
  }

  async append(segment: bigint, record: SpoolRecord, fresh: boolean): Promise<void> {
    const writer = await this.writerFor(segment, fresh);
    const bytes = encodeRecord(record);
    try {
      let written = 0;
      while (written < bytes.length) {
        const result = await writer.handle.write(bytes, written, bytes.length - written);
        written += result.bytesWritten;
      }
      await writer.handle.datasync();
    } catch (error) {
      // Disk full or an I/O error mid-record: cut what was written, so the next record follows a whole one.
      await writer.handle.truncate(writer.size).catch(() => undefined);
      throw error;
    }
    writer.size += bytes.length;
  }

  async remove(segment: bigint): Promise<void> {
    if (this.writer?.segment === segment) {
      await this.writer.handle.close();
      this.writer = undefined;
    }
    if (this.reader?.segment === segment) {
      await this.reader.handle.close();
      this.reader = undefined;
    }
    if (this.cursor?.segment === segment) this.cursor = undefined;
    await unlink(join(this.location, segmentName(segment)));
  }

  async read(
    segment: bigint,
    after: bigint,
    maxBytes: number,
    maxRecords: number,
    atLeastOne: boolean,
  ): Promise<SpoolRecord[]> {
    const handle = await this.readerFor(segment);
    const size = (await handle.stat()).size;
    const resume =
      this.cursor?.segment === segment && this.cursor.sequence <= after ? this.cursor : undefined;
    let offset = resume?.offset ?? 0;
    let expected = resume ? resume.sequence + 1n : segment;
    const records: SpoolRecord[] = [];
    let bytes = 0;
    while (offset < size && records.length < maxRecords) {
      // Records already sent are stepped over by their headers; only the wanted ones are read and checked.
      const found =
        expected > after
          ? await readRecordAt(handle, offset, size, expected)
          : await readHeaderAt(handle, offset, size, expected);
      if (typeof found === 'string') {
        throw new SpoolCorruptionError(`${segmentName(segment)} at offset ${offset}: ${found}`);
      }
      const payloadLength = 'payload' in found ? found.payload.length : found.payloadLength;
      if ('payload' in found) {
        if ((records.length > 0 || !atLeastOne) && bytes + payloadLength > maxBytes) break;
        records.push(found);
        bytes += payloadLength;
      }
      offset += RECORD_HEADER_BYTES + payloadLength;
      this.cursor = { segment, sequence: found.sequence, offset };
      expected += 1n;
    }
    return records;
  }

  async close(): Promise<void> {
    await this.writer?.handle.close();
    await this.reader?.handle.close();
    this.writer = undefined;
    this.reader = undefined;
    this.cursor = undefined;
  }

  private async loadState(repairs: string[]): Promise<SpoolState | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.location, STATE_FILE), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { epoch?: unknown; released?: unknown };
      if (
        typeof parsed.epoch === 'string' &&
        DECIMAL.test(parsed.epoch) &&
        typeof parsed.released === 'string' &&
        DECIMAL.test(parsed.released)
      ) {
        return { epoch: parsed.epoch, released: BigInt(parsed.released) };
      }
    } catch {
      // Reported below.
    }
    repairs.push(`${STATE_FILE}: unreadable, starting a new epoch`);
    return undefined;
  }

  /** Validates every record of a segment; cuts it at the first bad one, removes it when nothing is left. */
  private async recoverSegment(
    name: string,
    first: bigint,
    repairs: string[],
  ): Promise<SegmentSummary | undefined> {
    const path = join(this.location, name);
    const handle = await open(path, 'r+');
    let offset = 0;
    let records = 0;
    let expected = first;
    try {
      const size = (await handle.stat()).size;
      while (offset < size) {
        const found = await readRecordAt(handle, offset, size, expected);
        if (typeof found === 'string') {
          repairs.push(
            `${name}: cut ${size - offset} bytes at offset ${offset} (${found}: a torn or corrupt record)`,
          );
          await handle.truncate(offset);
          await handle.sync();
          break;
        }
        offset += RECORD_HEADER_BYTES + found.payload.length;
        records += 1;
        expected += 1n;
      }
    } finally {
      await handle.close();
    }
    if (records === 0) {
      repairs.push(`${name}: removed, it held no whole record`);
      await unlink(path);
      return undefined;
    }
    return { first, last: expected - 1n, records, bytes: offset };
  }

  private async writerFor(
    segment: bigint,
    fresh: boolean,
  ): Promise<{ segment: bigint; handle: FileHandle; size: number }> {
    if (this.writer?.segment === segment) return this.writer;
    await this.writer?.handle.close();
    this.writer = undefined;
    const path = join(this.location, segmentName(segment));
    // 'ax' for a new segment: an existing file of that name would be a bookkeeping error, not to be appended to.
    const handle = await open(path, fresh ? 'ax' : 'a', FILE_MODE);
    const size = (await handle.stat()).size;
    if (fresh) await syncDirectory(this.location);
    this.writer = { segment, handle, size };
    return this.writer;
  }

  private async readerFor(segment: bigint): Promise<FileHandle> {
    if (this.reader?.segment === segment) return this.reader.handle;
    await this.reader?.handle.close();
    this.reader = undefined;
    const handle = await open(join(this.location, segmentName(segment)), 'r');
    this.reader = { segment, handle };
    return handle;
  }
}
