/**
 * Small checks for decoded protobuf fields. Each throws a FieldProblem naming the field by its path in the
 * message ("reports[2].findings[0].summary") and what is wrong, which the caller turns into a catalog error.
 */
import { MAX_NANOS, MAX_TIMESTAMP_SECONDS, MIN_TIMESTAMP_SECONDS } from './wire-limits.js';

export class FieldProblem extends Error {
  override readonly name = 'FieldProblem';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * Runs `check` on one element of a repeated field, naming the element (`signals[3].reason`) only when it
 * fails: building every element's field names up front cost the ingest path a string per field per report.
 */
export function checkElement<T>(prefix: string, index: number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof FieldProblem)
      throw new FieldProblem(`${prefix}[${index}].${error.field}`, error.reason);
    throw error;
  }
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DELETE = 0x7f;

/**
 * Whether `text` holds C0 control characters or DEL (NUL, escape sequences that would garble a terminal or a
 * log line); with `allowLineBreaks`, tab, line feed and carriage return are fine.
 */
function hasControlCharacters(text: string, allowLineBreaks: boolean): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === DELETE) return true;
    if (code >= 0x20) continue;
    if (allowLineBreaks && (code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN)) continue;
    return true;
  }
  return false;
}

/**
 * Free text (a summary, a reason): at most `maxBytes` of UTF-8 and no control characters that would garble a
 * terminal or a log line; tabs and line breaks are allowed.
 */
export function checkText(field: string, value: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) throw new FieldProblem(field, `is ${bytes} bytes; at most ${maxBytes} are allowed`);
  if (hasControlCharacters(value, true)) throw new FieldProblem(field, 'contains control characters');
  return value;
}

/** A one-line label (kernel release, OS name, agent version): at most `maxLength` characters, no controls. */
export function checkLabel(field: string, value: string, maxLength: number): string {
  if (value.length > maxLength) {
    throw new FieldProblem(field, `is ${value.length} characters; at most ${maxLength} are allowed`);
  }
  if (hasControlCharacters(value, false)) throw new FieldProblem(field, 'contains control characters');
  return value;
}

/** An identifier made of the characters in `pattern` (which should anchor both ends). */
export function checkToken(
  field: string,
  value: string,
  maxLength: number,
  pattern: RegExp,
  what: string,
): string {
  if (value.length > maxLength) {
    throw new FieldProblem(field, `is ${value.length} characters; at most ${maxLength} are allowed`);
  }
  if (!pattern.test(value)) throw new FieldProblem(field, `must be ${what}`);
  return value;
}

export function checkCount(field: string, length: number, max: number, min = 0): void {
  if (length > max) throw new FieldProblem(field, `has ${length} entries; at most ${max} are allowed`);
  if (length < min)
    throw new FieldProblem(field, `must have at least ${min} ${min === 1 ? 'entry' : 'entries'}`);
}

/** A finite number within [min, max]. */
export function checkNumber(field: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) throw new FieldProblem(field, 'must be a finite number');
  if (value < min || value > max) throw new FieldProblem(field, `is ${value}; expected ${min} to ${max}`);
  return value;
}

/**
 * An enum decoded with enums: String. Values this collector's proto does not know arrive as numbers; the
 * UNSPECIFIED zero value means the sender forgot the field. Both are rejected.
 */
export function checkEnum<T extends string>(
  field: string,
  value: unknown,
  known: Readonly<Record<string, T>>,
): T {
  if (typeof value !== 'string' || !(value in known)) {
    throw new FieldProblem(field, `${String(value)} is not a known value`);
  }
  if (value.endsWith('_UNSPECIFIED')) throw new FieldProblem(field, 'must be set (not UNSPECIFIED)');
  return value as T;
}

/** A decimal uint64 from the wire (longs: String). */
export function checkUint64(field: string, value: string, min = 0n, max = UINT64_MAX): bigint {
  let parsed: bigint;
  try {
    parsed = BigInt(value);
  } catch {
    throw new FieldProblem(field, `${value} is not an unsigned integer`);
  }
  if (parsed < min) throw new FieldProblem(field, `must be at least ${min}`);
  if (parsed > max) throw new FieldProblem(field, `must be at most ${max}`);
  return parsed;
}

const UINT64_MAX = 2n ** 64n - 1n;

/** A set google.protobuf.Timestamp within the range the type documents; returns Unix milliseconds. */
export function checkTimestamp(field: string, value: { seconds: string; nanos: number } | null): number {
  if (value === null) throw new FieldProblem(field, 'must be set');
  const seconds = Number(value.seconds);
  if (!Number.isInteger(seconds) || seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) {
    throw new FieldProblem(field, `seconds ${value.seconds} is outside 0001-01-01 to 9999-12-31`);
  }
  if (!Number.isInteger(value.nanos) || value.nanos < 0 || value.nanos > MAX_NANOS) {
    throw new FieldProblem(field, `nanos ${value.nanos} is outside 0 to ${MAX_NANOS}`);
  }
  return seconds * 1_000 + Math.floor(value.nanos / 1e6);
}

/** A set google.protobuf.Duration within [minMs, maxMs]; returns milliseconds. */
export function checkDuration(
  field: string,
  value: { seconds: string; nanos: number } | null,
  minMs: number,
  maxMs: number,
): number {
  if (value === null) throw new FieldProblem(field, 'must be set');
  const seconds = Number(value.seconds);
  if (
    !Number.isInteger(seconds) ||
    !Number.isInteger(value.nanos) ||
    value.nanos < 0 ||
    value.nanos > MAX_NANOS
  ) {
    throw new FieldProblem(field, `${value.seconds}s ${value.nanos}ns is not a valid duration`);
  }
  const ms = seconds * 1_000 + value.nanos / 1e6;
  if (ms < minMs || ms > maxMs)
    throw new FieldProblem(field, `is ${ms}ms; expected ${minMs}ms to ${maxMs}ms`);
  return ms;
}
