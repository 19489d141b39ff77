import type { PressureFile, PressureFileLine } from '../parsers/psi.js';
import type { Pressure, PressureLine } from '../sample-types.js';

/** One read of a /proc/pressure/* file and when it was taken. */
export interface PressureRead {
  readonly file: PressureFile;
  /** process.hrtime.bigint() right after the read: a monotonic clock, which wall-clock steps do not move. */
  readonly atNs: bigint;
}

const NANOSECONDS_PER_SECOND = 1e9;

/**
 * The share of `elapsedSeconds` spent stalled, from two readings of PSI's cumulative stall total.
 *
 * null when no time passed (no interval to divide by) or when the total went backwards: the kernel's total
 * only grows while it runs, so a smaller one is another boot or another host tree behind the same reader,
 * and the difference means nothing.
 *
 * Clamped to 1 because the two clocks differ: the kernel accumulates the total from the scheduler's per-CPU
 * clock up to the moment of the read, while the elapsed time is CLOCK_MONOTONIC stamped by the agent a
 * moment after each read (the process can be preempted in between, likeliest under the very CPU starvation
 * being measured). A stamp that came late the previous time and promptly this time shortens the interval
 * below the span the total grew over, so a fully stalled interval can read a little above 1.
 */
export function stallShare(
  beforeSeconds: number,
  afterSeconds: number,
  elapsedSeconds: number,
): number | null {
  if (!(elapsedSeconds > 0) || afterSeconds < beforeSeconds) return null;
  return Math.min((afterSeconds - beforeSeconds) / elapsedSeconds, 1);
}

function withShare(
  line: PressureFileLine,
  before: PressureFileLine | undefined,
  elapsedSeconds: number | null,
): PressureLine {
  const intervalRatio =
    before === undefined || elapsedSeconds === null
      ? null
      : stallShare(before.totalSeconds, line.totalSeconds, elapsedSeconds);
  return { ...line, intervalRatio };
}

/**
 * Remembers the previous read of one resource's PSI file and turns each new read into a Pressure whose
 * lines carry the stall share of the interval since that read. A missing file (null) forgets the previous
 * read, so a file that comes back starts over rather than spanning the gap.
 */
export function createPressureWindow(): (read: PressureRead | null) => Pressure | null {
  let previous: PressureRead | undefined;
  return (read) => {
    const before = previous;
    previous = read ?? undefined;
    if (!read) return null;
    const elapsedNs = before ? read.atNs - before.atNs : 0n;
    const intervalSeconds = elapsedNs > 0n ? Number(elapsedNs) / NANOSECONDS_PER_SECOND : null;
    const some = withShare(read.file.some, before?.file.some, intervalSeconds);
    if (!read.file.full) return { some, intervalSeconds };
    return { some, full: withShare(read.file.full, before?.file.full, intervalSeconds), intervalSeconds };
  };
}
