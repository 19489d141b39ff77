import { crc32 } from 'node:zlib';

/**
 * One report in a spool segment: a fixed header, then the payload (the Report's protobuf bytes).
 *
 *   offset 0   u32 BE  payload length
 *   offset 4   u32 BE  CRC-32 of bytes 8 .. end (sequence and payload)
 *   offset 8   u64 BE  sequence
 *   offset 16  payload
 *
 * The length comes first so a reader can step from record to record; the checksum covers the sequence
 * and the payload, so a record torn by a crash mid-write (or a flipped bit) is recognised and cut
 * instead of being replayed as garbage.
 */
export const RECORD_HEADER_BYTES = 16;
const CHECKSUMMED_FROM = 8;

/**
 * The largest report the spool takes. A report is a few KiB (tens on a busy node); anything near this is
 * a bug, and a length above it in a header means the header is garbage.
 */
export const MAX_REPORT_BYTES = 512 * 1024;

export interface SpoolRecord {
  readonly sequence: bigint;
  readonly payload: Buffer;
}

export function encodeRecord(record: SpoolRecord): Buffer {
  const bytes = Buffer.allocUnsafe(RECORD_HEADER_BYTES + record.payload.length);
  bytes.writeUInt32BE(record.payload.length, 0);
  bytes.writeBigUInt64BE(record.sequence, CHECKSUMMED_FROM);
  record.payload.copy(bytes, RECORD_HEADER_BYTES);
  bytes.writeUInt32BE(crc32(bytes.subarray(CHECKSUMMED_FROM)), 4);
  return bytes;
}

/** What a record header says, before its payload is read. */
export interface RecordHeader {
  readonly payloadLength: number;
  readonly checksum: number;
  readonly sequence: bigint;
}

/** Parses a header; undefined when its length is impossible (the bytes are not a record header). */
export function decodeHeader(header: Buffer): RecordHeader | undefined {
  if (header.length < RECORD_HEADER_BYTES) return undefined;
  const payloadLength = header.readUInt32BE(0);
  if (payloadLength > MAX_REPORT_BYTES) return undefined;
  return {
    payloadLength,
    checksum: header.readUInt32BE(4),
    sequence: header.readBigUInt64BE(CHECKSUMMED_FROM),
  };
}

/** True when `bytes` (a whole record: header and payload) carries the checksum its header claims. */
export function checksumMatches(bytes: Buffer, header: RecordHeader): boolean {
  return crc32(bytes.subarray(CHECKSUMMED_FROM)) === header.checksum;
}
