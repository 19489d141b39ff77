/**
 * Byte quantities as Kubernetes writes them ("100Mi", "1Gi", "500M", "4096"), and a readable formatter
 * for summaries.
 */

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Readonly<Record<string, number>> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const QUANTITY = /^(\d+(?:\.\d+)?)\s*([KMGT]i|[kKMGT])?$/;

export function parseBytes(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  const factor = unit === undefined ? 1 : (BINARY[unit] ?? DECIMAL[unit] ?? Number.NaN);
  const value = Number(amount) * factor;
  return Number.isFinite(value) ? Math.round(value) : undefined;
}

const STEPS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 104857600 -> "100 MiB"; one decimal below 100 of a unit, none above. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let step = 0;
  while (Math.abs(value) >= 1024 && step < STEPS.length - 1) {
    value /= 1024;
    step += 1;
  }
  const digits = step === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${STEPS[step]}`;
}

/** 0.1234 -> "12.3%". */
export function formatRatio(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
