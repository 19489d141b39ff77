import { SignalError } from '../host/read-text.js';

export interface LoadAvg {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  readonly running: number;
  /** All scheduling entities (processes and threads): what pid_max and threads-max limit. */
  readonly threads: number;
}

/** "0.11 0.03 0.01 1/79 1624". */
export function parseLoadAvg(source: string, text: string): LoadAvg {
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)\/(\d+) \d+\s*$/.exec(text);
  if (!match) throw new SignalError(`${source}: expected "L1 L5 L15 R/T LASTPID"`);
  const [, load1, load5, load15, running, threads] = match.map(Number) as unknown as number[];
  // Digits beyond a double's range parse to Infinity: out of range, not a load.
  if (![load1, load5, load15, running, threads].every(Number.isFinite))
    throw new SignalError(`${source}: a value out of range`);
  return {
    load1: load1 as number,
    load5: load5 as number,
    load15: load15 as number,
    running: running as number,
    threads: threads as number,
  };
}
