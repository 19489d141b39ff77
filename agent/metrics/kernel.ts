import { Counter } from 'prom-client';
import { KERNEL_EVENT_KINDS } from '../kernel/event-hold.js';
import type { KernelEventKind } from '../sample-types.js';
import type { MetricsContext } from './metrics-context.js';

/**
 * nodedoc_kernel_events_total{kind} and nodedoc_kernel_records_missed_total. The kernel signal reports
 * running totals since the agent started; each published cycle adds the increase to real counters, so
 * rate() and increase() work across scrapes that miss cycles.
 */
export function registerKernelMetrics({ registry, board }: MetricsContext): void {
  const events = new Counter({
    name: 'nodedoc_kernel_events_total',
    help: 'Kernel-log events matched (OOM kills, hung tasks, soft lockups, read-only remounts, conntrack table full), by kind; the two lines of one OOM kill and repeats of one hung task count once.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const missed = new Counter({
    name: 'nodedoc_kernel_records_missed_total',
    help: 'Kernel-log records overwritten in the ring buffer before the agent read them; events among them are lost.',
    registers: [registry],
  });
  // Every kind exists from the start, so increase() sees the first event instead of a new series.
  for (const kind of KERNEL_EVENT_KINDS) events.inc({ kind }, 0);

  let counted: Readonly<Record<KernelEventKind, number>> | undefined;
  let countedMissed = 0;
  board.subscribe(({ samples: { kernel } }) => {
    if (kernel.status !== 'ok') return;
    for (const kind of KERNEL_EVENT_KINDS) {
      const increase = kernel.matchedTotal[kind] - (counted?.[kind] ?? 0);
      if (increase > 0) events.inc({ kind }, increase);
    }
    counted = kernel.matchedTotal;
    if (kernel.recordsMissed > countedMissed) missed.inc(kernel.recordsMissed - countedMissed);
    countedMissed = kernel.recordsMissed;
  });
}
