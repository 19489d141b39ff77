import type { Absent } from '../reading.js';

/**
 * Remembers that something is absent from this host (no kubelet, no runtime socket, no DNS target) and
 * says when to look again. Looking costs a connection attempt or a handful of stat calls every cycle on
 * hosts that will never have the thing; its appearing is not urgent, so the look is repeated only every
 * --rediscover-interval. Once found, a signal probes every cycle as usual.
 */
export class AbsentRecheck {
  private reading: Absent | undefined;
  private until = 0;

  constructor(private readonly periodMs: number) {}

  /** The remembered absent reading while it is fresh; undefined means "look now". */
  current(): Absent | undefined {
    return this.reading !== undefined && performance.now() < this.until ? this.reading : undefined;
  }

  remember(reading: Absent): Absent {
    this.reading = reading;
    this.until = performance.now() + this.periodMs;
    return reading;
  }
}
