import { SignalError } from '../host/read-text.js';

/**
 * "Key: 123 kB" (meminfo) or "key 123" (vmstat) lines into numbers. Lines that do not match are skipped
 * (new kernels add keys); a file with no parseable line at all is malformed.
 */
export function parseKeyValueNumbers(
  source: string,
  text: string,
  unitFactor: Readonly<Record<string, number>> = {},
): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9_()]+):?\s+(\d+)(?:\s+(\S+))?\s*$/.exec(line);
    if (!match) continue;
    const [, key, amount, unit] = match as unknown as [string, string, string, string | undefined];
    const factor = unit === undefined ? 1 : unitFactor[unit];
    if (factor === undefined) continue;
    // A number too long for a double (Infinity) is as malformed as a line that does not match.
    const value = Number(amount) * factor;
    if (!Number.isFinite(value)) continue;
    values.set(key, value);
  }
  if (values.size === 0) throw new SignalError(`${source}: no "key value" lines`);
  return values;
}

/** Looks up a key that must be present. */
export function required(source: string, values: ReadonlyMap<string, number>, key: string): number {
  const value = values.get(key);
  if (value === undefined) throw new SignalError(`${source}: no ${key}`);
  return value;
}

/**
 * The numbers of a few keys of a "key value" file, found by searching rather than parsing every line:
 * /proc/vmstat has ~170 lines and meminfo ~55, and the agent needs four of them. Same line rules as
 * parseKeyValueNumbers (a key at the start of a line, an optional colon, the number, an optional unit
 * that must be in unitFactor); keys not present, or with a malformed value, are left out.
 */
export function pickKeyNumbers(
  text: string,
  keys: readonly string[],
  unitFactor: Readonly<Record<string, number>> = {},
): Map<string, number> {
  const values = new Map<string, number>();
  for (const key of keys) {
    const start = lineStart(text, key);
    if (start < 0) continue;
    const end = text.indexOf('\n', start);
    const match = LINE_VALUE.exec(text.slice(start + key.length, end < 0 ? undefined : end));
    if (!match) continue;
    const factor = match[2] === undefined ? 1 : unitFactor[match[2]];
    const value = factor === undefined ? Number.NaN : Number(match[1]) * factor;
    if (Number.isFinite(value)) values.set(key, value);
  }
  return values;
}

/** What follows the key on its line: optional colon, the number, an optional unit. */
const LINE_VALUE = /^:?\s+(\d+)(?:\s+(\S+))?\s*$/;

/** Offset of the first line that starts with `key` followed by a colon or a blank, or -1. */
function lineStart(text: string, key: string): number {
  const separated = (at: number) => {
    const next = text[at + key.length];
    return next === ':' || next === ' ' || next === '\t';
  };
  if (text.startsWith(key) && separated(0)) return 0;
  for (let at = text.indexOf(`\n${key}`); at >= 0; at = text.indexOf(`\n${key}`, at + 1)) {
    if (separated(at + 1)) return at + 1;
  }
  return -1;
}
