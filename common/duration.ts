/**
 * Go-style durations ("500ms", "10s", "1m30s", "2h") as used by flags and env; values are milliseconds.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Parses "1m30s" to 90000; returns undefined for anything that is not a well-formed duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed === '0') return 0;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = DURATION_PART.exec(trimmed); match; match = DURATION_PART.exec(trimmed)) {
    const [whole, amount, unit] = match as unknown as [string, string, string];
    // Scale by the decimals after multiplying, so "32.004s" is exactly 32004 and not 32003.999999999996.
    const [integer, fraction = ''] = amount.split('.');
    total += (Number(`${integer}${fraction}`) * (UNIT_MS[unit] ?? Number.NaN)) / 10 ** fraction.length;
    consumed += whole.length;
  }
  if (consumed !== trimmed.length || !Number.isFinite(total)) return undefined;
  return total;
}

/** 90000 -> "1m30s", 1500 -> "1.5s", 250 -> "250ms": the shortest readable form. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  // Branch on the rounded value, so 59999.7 prints as "1m" rather than "60s".
  if (Math.round(ms) < 1_000) return `${Math.round(ms)}ms`;
  if (Math.round(ms) < 60_000) return `${Number((ms / 1_000).toFixed(3))}s`;
  // Round once, to whole seconds, before splitting: rounding the parts would print 119.6 s as "1m60s".
  const totalSeconds = Math.round(ms / 1_000);
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}` || '0s';
}
