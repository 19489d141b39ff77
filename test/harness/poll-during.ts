import { setTimeout as sleep } from 'node:timers/promises';

/** A value read at a wall-clock instant (Date.now(), the clock the agent stamps its reports with). */
export interface Observation<T> {
  readonly at: number;
  readonly value: T;
}

/**
 * Reads `read` right before `start()` runs, every `intervalMs` while it runs, and right after it
 * settled: the kernel's own view of a value throughout an agent run, to compare the agent's figure with.
 */
export async function pollDuring<T, R>(
  read: () => Promise<T> | T,
  start: () => Promise<R>,
  intervalMs: number,
): Promise<{ result: R; readings: Observation<T>[] }> {
  const readings: Observation<T>[] = [];
  const take = async () => {
    const value = await read();
    readings.push({ at: Date.now(), value });
  };
  await take();
  let running = true;
  const poller = (async () => {
    while (running) {
      await take();
      await sleep(intervalMs);
    }
  })();
  try {
    const result = await start();
    return { result, readings };
  } finally {
    running = false;
    await poller;
    await take();
  }
}

/**
 * The readings that bracket the window [from, to]: the last one taken at or before `from`, every one
 * inside, and the first one at or after `to`. The true value at any instant inside the window was
 * observed by, or lies between, these readings (up to excursions shorter than one polling interval).
 */
export function bracketing<T>(
  readings: readonly Observation<T>[],
  from: number,
  to: number,
): Observation<T>[] {
  const sorted = [...readings].sort((a, b) => a.at - b.at);
  const firstIndex = sorted.findLastIndex((reading) => reading.at <= from);
  const lastIndex = sorted.findIndex((reading) => reading.at >= to);
  if (firstIndex < 0 || lastIndex < 0) {
    throw new Error(`no readings bracket [${new Date(from).toISOString()}, ${new Date(to).toISOString()}]`);
  }
  return sorted.slice(firstIndex, lastIndex + 1);
}
