import { SignalError } from './host/read-text.js';
import { type Unavailable, unavailable } from './reading.js';
import type { Samples } from './sample-types.js';
import { createSignals } from './signals/index.js';
import type { Signal, SignalContext } from './signals/signal.js';

/** Slack on top of the slowest probe timeout before a signal that never settles is given up on. */
const SIGNAL_DEADLINE_SLACK_MS = 1_000;

export interface SampleCycle {
  readonly samples: Samples;
  /** Wall-clock time the cycle started. */
  readonly startedAt: Date;
  readonly durationSeconds: number;
}

/**
 * Runs every signal concurrently once per cycle. A signal that throws or overruns its deadline yields
 * `unavailable` with a reason; the others are unaffected.
 */
export class Sampler {
  private readonly signals: readonly Signal[];
  private readonly deadlineMs: number;

  constructor(
    private readonly context: SignalContext,
    signals?: readonly Signal[],
  ) {
    this.signals = signals ?? createSignals(context);
    const { probeTimeoutMs, dnsTimeoutMs } = context.config;
    this.deadlineMs = Math.max(probeTimeoutMs, dnsTimeoutMs) + SIGNAL_DEADLINE_SLACK_MS;
  }

  async sample(): Promise<SampleCycle> {
    const startedAt = new Date();
    const start = process.hrtime.bigint();
    // One deadline for the whole cycle (not a timer per signal): every signal races the same promise.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Unavailable>((resolve) => {
      timer = setTimeout(
        () => resolve(unavailable(`no result within ${this.deadlineMs}ms`)),
        this.deadlineMs,
      );
      timer.unref();
    });
    try {
      const entries = await Promise.all(
        this.signals.map(async (signal) => [signal.name, await this.guard(signal, deadline)] as const),
      );
      const durationSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      return { samples: Object.fromEntries(entries) as unknown as Samples, startedAt, durationSeconds };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.signals.map(async (signal) => signal.close?.()));
  }

  /** Typed loosely on purpose: the union of all sample types is too wide for TypeScript to race. */
  private async guard(signal: Signal, deadline: Promise<Unavailable>): Promise<unknown> {
    try {
      return await Promise.race([signal.sample() as Promise<unknown>, deadline]);
    } catch (error) {
      if (error instanceof SignalError) return unavailable(error.message);
      // A bug, not a host condition: keep the stack in the log, keep the output one line.
      this.context.logger.error({ err: error, signal: signal.name }, 'signal reader failed');
      return unavailable(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
