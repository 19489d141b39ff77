import { describe, expect, it } from 'vitest';
import { registerKernelMetrics } from '../../../agent/metrics/kernel.js';
import { ok, unavailable } from '../../../agent/reading.js';
import type { KernelEventKind, Samples } from '../../../agent/sample-types.js';
import { parseExposition, samplesOf } from '../../harness/metrics-text.js';
import { metricsModule } from '../../harness/samples.js';
import { NONE_MATCHED } from './kernel-test-support.js';

/** nodedoc_kernel_* on their own registry, fed cycles through the board as the agent does. */

function totals(counts: Partial<Record<KernelEventKind, number>>, recordsMissed = 0): Samples['kernel'] {
  return ok({
    source: 'device' as const,
    events: [],
    recordsRead: 10,
    recordsMissed,
    matchedTotal: { ...NONE_MATCHED, ...counts },
    eventsDropped: 0,
  });
}

function setup() {
  const { registry, publish } = metricsModule(registerKernelMetrics);
  return {
    publish,
    async values(name: string): Promise<Record<string, number>> {
      const samples = samplesOf(parseExposition(await registry.metrics()), name);
      return Object.fromEntries(samples.map((sample) => [sample.labels.kind ?? '', sample.value]));
    },
  };
}

describe('nodedoc_kernel_events_total', () => {
  it('starts every kind at zero, then follows the signal running totals', async () => {
    const { publish, values } = setup();
    expect(await values('nodedoc_kernel_events_total')).toEqual({
      'oom-kill': 0,
      'hung-task': 0,
      'soft-lockup': 0,
      'readonly-remount': 0,
      'conntrack-full': 0,
    });

    publish({ kernel: totals({ 'oom-kill': 2 }) });
    publish({ kernel: totals({ 'oom-kill': 3, 'hung-task': 1 }) });
    expect(await values('nodedoc_kernel_events_total')).toMatchObject({ 'oom-kill': 3, 'hung-task': 1 });

    // A cycle without the kernel log neither resets nor double-counts.
    publish({ kernel: unavailable('/dev/kmsg: permission denied') });
    publish({ kernel: totals({ 'oom-kill': 5, 'hung-task': 1 }) });
    expect(await values('nodedoc_kernel_events_total')).toMatchObject({ 'oom-kill': 5, 'hung-task': 1 });
  });

  it('counts records lost to ring-buffer overruns', async () => {
    const { publish, values } = setup();
    publish({ kernel: totals({}, 0) });
    publish({ kernel: totals({}, 17) });
    publish({ kernel: totals({}, 20) });
    expect(await values('nodedoc_kernel_records_missed_total')).toEqual({ '': 20 });
  });
});
