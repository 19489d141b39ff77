import { SignalError } from '../host/read-text.js';

/** Counters of one /proc/diskstats line we use (Documentation/admin-guide/iostats.rst). */
export interface DiskCounters {
  readonly device: string;
  readonly readsCompleted: number;
  readonly readMs: number;
  readonly writesCompleted: number;
  readonly writeMs: number;
  /** Milliseconds the device had I/O in flight (field 10, "io_ticks"). */
  readonly ioMs: number;
}

/** major minor name + at least the 11 classic fields; kernels 4.18+ add 4 discard fields, 5.5+ 2 flush fields. */
const MIN_FIELDS = 14;

/** Parses every line; malformed lines are skipped, an empty result is an error. */
export function parseDiskstats(source: string, text: string): DiskCounters[] {
  const devices: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < MIN_FIELDS) continue;
    const numbers = fields.slice(3, MIN_FIELDS).map(Number);
    if (numbers.some((value) => !Number.isFinite(value) || value < 0)) continue;
    const [readsCompleted, , , readMs, writesCompleted, , , writeMs, , ioMs] = numbers as number[];
    devices.push({
      device: fields[2] as string,
      readsCompleted: readsCompleted as number,
      readMs: readMs as number,
      writesCompleted: writesCompleted as number,
      writeMs: writeMs as number,
      ioMs: ioMs as number,
    });
  }
  if (devices.length === 0 && text.trim() !== '') throw new SignalError(`${source}: no well-formed line`);
  return devices;
}

/**
 * The counters are unsigned long on the kernel side; on 32-bit kernels they wrap at 2^32. A negative
 * delta is treated as a wrap (or a device reset) and the sample is skipped rather than reported as huge.
 */
function delta(current: number, previous: number): number | undefined {
  return current >= previous ? current - previous : undefined;
}

export interface DiskRates {
  readonly awaitSeconds: number | null;
  readonly utilizationRatio: number;
  readonly readsPerSecond: number;
  readonly writesPerSecond: number;
}

export function diskRates(
  previous: DiskCounters,
  current: DiskCounters,
  elapsedSeconds: number,
): DiskRates | undefined {
  const reads = delta(current.readsCompleted, previous.readsCompleted);
  const writes = delta(current.writesCompleted, previous.writesCompleted);
  const readMs = delta(current.readMs, previous.readMs);
  const writeMs = delta(current.writeMs, previous.writeMs);
  const ioMs = delta(current.ioMs, previous.ioMs);
  if ([reads, writes, readMs, writeMs, ioMs].includes(undefined) || elapsedSeconds <= 0) return undefined;
  const completed = (reads as number) + (writes as number);
  return {
    awaitSeconds: completed === 0 ? null : ((readMs as number) + (writeMs as number)) / completed / 1000,
    utilizationRatio: Math.min((ioMs as number) / 1000 / elapsedSeconds, 1),
    readsPerSecond: (reads as number) / elapsedSeconds,
    writesPerSecond: (writes as number) / elapsedSeconds,
  };
}
