/**
 * Builds the bytes of an AgentMessage{batch} from reports that are already protobuf-encoded (as the spool
 * keeps them), so replaying the spool costs a copy, not a decode and re-encode per report.
 *
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/) makes this a few bytes of
 * framing: a message field is a tag varint ((field << 3) | 2 for "length-delimited"), a length varint and
 * the message's bytes; a repeated field is that record once per element; and fields may come in any order.
 * So Batch = one (field 1, report) record per report + the other Batch fields encoded by the real
 * serializer, and AgentMessage{batch} = one (field 2, Batch) record. test/unit/agent/link-encoding.test.ts
 * decodes the result with the proto to hold this to the format.
 */

const WIRE_TYPE_LEN = 2;
/** Batch.reports (agent_service.proto). */
const BATCH_REPORTS_FIELD = 1;
/** AgentMessage.batch (agent_service.proto). */
const AGENT_MESSAGE_BATCH_FIELD = 2;
const VARINT_PAYLOAD_BITS = 7;
const VARINT_CONTINUE = 0x80;

function varintLength(value: number): number {
  let length = 1;
  for (let rest = value >>> VARINT_PAYLOAD_BITS; rest > 0; rest >>>= VARINT_PAYLOAD_BITS) length += 1;
  return length;
}

function writeVarint(target: Buffer, offset: number, value: number): number {
  let rest = value;
  let at = offset;
  while (rest >= VARINT_CONTINUE) {
    target[at] = (rest & (VARINT_CONTINUE - 1)) | VARINT_CONTINUE;
    rest >>>= VARINT_PAYLOAD_BITS;
    at += 1;
  }
  target[at] = rest;
  return at + 1;
}

/** Bytes of a length-delimited record's tag and length (the tags used here fit one byte). */
function headerLength(bodyLength: number): number {
  return 1 + varintLength(bodyLength);
}

function writeHeader(target: Buffer, offset: number, field: number, bodyLength: number): number {
  const at = writeVarint(target, offset, (field << 3) | WIRE_TYPE_LEN);
  return writeVarint(target, at, bodyLength);
}

/**
 * AgentMessage{batch: Batch{reports, ...rest}} where `reports` are encoded Report messages and `rest` is
 * a Batch holding the other fields, already encoded (no reports in it). One allocation, one copy.
 */
export function frameBatch(reports: readonly Buffer[], rest: Buffer): Buffer {
  let bodyLength = rest.length;
  for (const report of reports) bodyLength += headerLength(report.length) + report.length;
  const message = Buffer.allocUnsafe(headerLength(bodyLength) + bodyLength);
  let at = writeHeader(message, 0, AGENT_MESSAGE_BATCH_FIELD, bodyLength);
  for (const report of reports) {
    at = writeHeader(message, at, BATCH_REPORTS_FIELD, report.length);
    at += report.copy(message, at);
  }
  at += rest.copy(message, at);
  if (at !== message.length) throw new Error(`batch framing wrote ${at} of ${message.length} bytes`);
  return message;
}
