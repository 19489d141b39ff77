import { Counter, Histogram } from 'prom-client';
import type { MetricsContext } from './metrics-context.js';

/** Buckets for a cycle that normally takes milliseconds but waits on probes with multi-second timeouts. */
const CYCLE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface SamplingMetrics {
  /** Cycles not started because the previous one was still running. */
  readonly skipped: Counter;
}

/** Cycle duration and counts: the agent's own health. */
export function registerSamplingMetrics({ registry, board }: MetricsContext): SamplingMetrics {
  const duration = new Histogram({
    name: 'nodedoc_agent_cycle_duration_seconds',
    help: 'Time to sample every signal once.',
    buckets: CYCLE_BUCKETS,
    registers: [registry],
  });
  const completed = new Counter({
    name: 'nodedoc_agent_cycles_total',
    help: 'Sampling cycles completed.',
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'nodedoc_agent_cycles_skipped_total',
    help: 'Cycles skipped because the previous one was still running (a probe is slower than --interval).',
    registers: [registry],
  });
  board.subscribe((report) => {
    duration.observe(report.sampleDurationSeconds);
    completed.inc();
  });
  return { skipped };
}
