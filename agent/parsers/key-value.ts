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
