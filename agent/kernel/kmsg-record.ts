import { SignalError } from '../host/read-text.js';

/**
 * One record of /dev/kmsg, as Documentation/ABI/testing/dev-kmsg describes it:
 *
 *   "PRIO,SEQ,USEC,FLAGS[,MORE...];MESSAGE\n"
 *   " KEY=VALUE\n"            (zero or more continuation lines: device properties)
 *
 * PRIO is the syslog priority (facility << 3 | level), SEQ a per-boot sequence number, USEC the kernel's
 * monotonic clock at the time of the message. Non-printable bytes and backslashes in MESSAGE arrive
 * escaped as \xNN.
 */
export interface KmsgRecord {
  /** Syslog facility: 0 is the kernel; anything written by userspace into /dev/kmsg is 1 (user) or above. */
  readonly facility: number;
  /** Syslog level: 0 emerg … 3 err, 4 warning … 7 debug. */
  readonly level: number;
  readonly seq: number;
  /** Microseconds since boot on the kernel's monotonic clock. */
  readonly usec: number;
  /** '-' for a whole record, 'c' / '+' for the start / continuation of a fragmented line (old kernels). */
  readonly flags: string;
  /** The message with \xNN escapes decoded. */
  readonly message: string;
  /** Continuation lines ("SUBSYSTEM=block", "DEVICE=b8:0"). */
  readonly properties: Readonly<Record<string, string>>;
}

/** The kernel facility; the kernel refuses facility 0 from userspace writers, so it cannot be faked. */
export const KERNEL_FACILITY = 0;

/** Facility and level share PRIO; LOG_FACMASK is 0x3f8, so a valid PRIO fits in 10 bits. */
const MAX_PRIO = 0x3ff;
const HEADER = /^(\d{1,4}),(\d{1,20}),(\d{1,20}),([^,;]*)(?:,[^;]*)?$/;
const ESCAPE = /\\x([0-9a-fA-F]{2})/g;

function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function header(field: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new SignalError(`kmsg record: ${field} ${text} out of range`);
  return value;
}

/** Shortened copy of bad input for an error message, so a garbage line cannot flood the log. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * Parses one record (the text of one read() of /dev/kmsg, or a record line plus its continuation
 * lines from a file). Throws SignalError on anything that is not a record.
 */
export function parseKmsgRecord(text: string): KmsgRecord {
  const semicolon = text.indexOf(';');
  if (semicolon < 0) throw new SignalError(`kmsg record: no ';' after the header in ${excerpt(text)}`);
  const head = HEADER.exec(text.slice(0, semicolon));
  if (!head) throw new SignalError(`kmsg record: malformed header in ${excerpt(text)}`);
  const [, prioText, seqText, usecText, flags] = head as unknown as [string, string, string, string, string];
  const prio = header('priority', prioText);
  if (prio > MAX_PRIO) throw new SignalError(`kmsg record: priority ${prio} out of range`);

  const lines = text.slice(semicolon + 1).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const properties: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const eq = line.indexOf('=');
    if (!line.startsWith(' ') || eq < 2) {
      throw new SignalError(`kmsg record: continuation line ${excerpt(line)} is not " KEY=VALUE"`);
    }
    properties[line.slice(1, eq)] = decodeEscapes(line.slice(eq + 1));
  }
  return {
    facility: prio >> 3,
    level: prio & 7,
    seq: header('sequence number', seqText),
    usec: header('timestamp', usecText),
    flags,
    message: decodeEscapes(lines[0] ?? ''),
    properties,
  };
}

/**
 * Splits the text of a file holding many records (one per line, continuation lines starting with a
 * space, as `cat /dev/kmsg` prints them) into the text of each record.
 */
export function splitKmsgText(text: string): string[] {
  const records: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(' ') && records.length > 0) {
      records[records.length - 1] += `\n${line}`;
    } else {
      records.push(line);
    }
  }
  return records;
}
