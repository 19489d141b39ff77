import { formatRatio } from '../../common/bytes.js';
import type { PressureLine } from '../sample-types.js';

/**
 * The share a PSI check compares with its threshold: the higher of the share of the agent's last interval
 * and the kernel's 10 s average. The interval share sees an onset at the next sample, where avg10 (an
 * exponential average updated every 2 s) needs 10–20 s to climb; avg10 keeps the brief's definition, and
 * its slow decay keeps a finding from clearing on the first quieter interval.
 */
export function stallRatio(line: PressureLine): number {
  return line.intervalRatio === null ? line.avg10Ratio : Math.max(line.intervalRatio, line.avg10Ratio);
}

/** 10.0031 -> "10 s", 0.5 -> "0.5 s": the interval as measured, to a tenth of a second. */
function formatInterval(seconds: number): string {
  return `${Number(seconds.toFixed(1))} s`;
}

/**
 * The end of a PSI finding's first sentence, naming the number that tripped it, the other one and the
 * threshold: "93.0% of the last 10 s interval (PSI some; 10 s average 61.0%, threshold 80.0%)".
 * `psi` names the line, e.g. "PSI some" or "PSI io full".
 */
export function describeStall(
  line: PressureLine,
  intervalSeconds: number | null,
  psi: string,
  threshold: number,
): string {
  const limit = `threshold ${formatRatio(threshold)}`;
  if (line.intervalRatio === null || intervalSeconds === null) {
    return `${formatRatio(line.avg10Ratio)} of the last 10 s on average (${psi} avg10, ${limit})`;
  }
  const interval = `the last ${formatInterval(intervalSeconds)} interval`;
  if (line.intervalRatio >= line.avg10Ratio) {
    return `${formatRatio(line.intervalRatio)} of ${interval} (${psi}; 10 s average ${formatRatio(line.avg10Ratio)}, ${limit})`;
  }
  return `${formatRatio(line.avg10Ratio)} of the last 10 s on average (${psi} avg10; ${interval} ${formatRatio(line.intervalRatio)}, ${limit})`;
}
