import { SignalError } from '../host/read-text.js';
import type { PressureLine } from '../sample-types.js';

const LINE = /^(some|full) avg10=(\d+(?:\.\d+)?) avg60=(\d+(?:\.\d+)?) avg300=(\d+(?:\.\d+)?) total=(\d+)$/;
/**
 * "0.81" percent -> 0.0081: shifting the decimal exponent in the text gives the double nearest to the
 * printed value, where dividing by 100 would print as 0.008100000000000001 in every JSON document.
 */
function percentToRatio(text: string): number {
  return Number(`${text}e-2`);
}
const MICROSECONDS = 1e6;

/** A line as one read of the file gives it: the interval share needs the previous read (signals/pressure-window.ts). */
export type PressureFileLine = Omit<PressureLine, 'intervalRatio'>;

/** One read of a /proc/pressure/* file. */
export interface PressureFile {
  readonly some: PressureFileLine;
  /** Absent in /proc/pressure/cpu on kernels before 5.13. */
  readonly full?: PressureFileLine;
}

/**
 * /proc/pressure/{cpu,memory,io}:
 *   some avg10=1.23 avg60=0.50 avg300=0.10 total=123456
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * Averages are percentages; total is microseconds stalled since boot.
 */
export function parsePressure(source: string, text: string): PressureFile {
  const lines = new Map<string, PressureFileLine>();
  for (const raw of text.split('\n')) {
    const match = LINE.exec(raw.trim());
    if (!match) continue;
    const [, kind, avg10, avg60, avg300, total] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const line: PressureFileLine = {
      avg10Ratio: percentToRatio(avg10),
      avg60Ratio: percentToRatio(avg60),
      avg300Ratio: percentToRatio(avg300),
      totalSeconds: Number(total) / MICROSECONDS,
    };
    if ([line.avg10Ratio, line.avg60Ratio, line.avg300Ratio].some((ratio) => ratio > 1)) {
      throw new SignalError(`${source}: an average above 100%`);
    }
    if (!Number.isFinite(line.totalSeconds)) throw new SignalError(`${source}: total out of range`);
    lines.set(kind, line);
  }
  const some = lines.get('some');
  if (!some) throw new SignalError(`${source}: no "some" line`);
  const full = lines.get('full');
  return full ? { some, full } : { some };
}
