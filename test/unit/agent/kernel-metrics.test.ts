import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CycleBoard } from '../../../agent/cycle-board.js';
import type { Inventory } from '../../../agent/inventory.js';
import { registerKernelMetrics } from '../../../agent/metrics/kernel.js';
import { ok, unavailable } from '../../../agent/reading.js';
import type { AgentReport } from '../../../agent/report.js';
import type { KernelEventKind, Samples } from '../../../agent/sample-types.js';
import { parseExposition, samplesOf } from '../../harness/metrics-text.js';
import { configFrom, samplesWith } from '../../harness/samples.js';

/** nodedoc_kernel_* on their own registry, fed cycles through the board as the agent does. */

const HOST: Inventory = {
  os: null,
  kernel: null,
  arch: null,
  cpuModel: null,
  cpuCores: null,
  memoryBytes: null,
};

function report(kernel: Samples['kernel']): AgentReport {
  return {
    node: 'test-node',
    bootId: null,
    time: '2026-11-23T13:00:00.000Z',
    agent: { version: 'test' },
    host: HOST,
    samples: samplesWith({ kernel }),
    findings: [],
    sampleDurationSeconds: 0.01,
  };
}

function totals(counts: Partial<Record<KernelEventKind, number>>, recordsMissed = 0): Samples['kernel'] {
  return ok({
    source: 'device' as const,
    events: [],
    recordsRead: 10,
    recordsMissed,
    matchedTotal: {
      'oom-kill': 0,
      'hung-task': 0,
      'soft-lockup': 0,
      'readonly-remount': 0,
      'conntrack-full': 0,
      ...counts,
    },
    eventsDropped: 0,
  });
}

function setup() {
  const registry = new Registry();
  const board = new CycleBoard();
  registerKernelMetrics({ registry, board, config: configFrom([]), inventory: HOST });
  return {
    board,
    async values(name: string): Promise<Record<string, number>> {
      const samples = samplesOf(parseExposition(await registry.metrics()), name);
      return Object.fromEntries(samples.map((sample) => [sample.labels.kind ?? '', sample.value]));
    },
  };
}

describe('nodedoc_kernel_events_total', () => {
  it('starts every kind at zero, then follows the signal running totals', async () => {
    const { board, values } = setup();
    expect(await values('nodedoc_kernel_events_total')).toEqual({
      'oom-kill': 0,
      'hung-task': 0,
      'soft-lockup': 0,
      'readonly-remount': 0,
      'conntrack-full': 0,
    });

    board.publish(report(totals({ 'oom-kill': 2 })));
    board.publish(report(totals({ 'oom-kill': 3, 'hung-task': 1 })));
    expect(await values('nodedoc_kernel_events_total')).toMatchObject({ 'oom-kill': 3, 'hung-task': 1 });

    // A cycle without the kernel log neither resets nor double-counts.
    board.publish(report(unavailable('/dev/kmsg: permission denied')));
    board.publish(report(totals({ 'oom-kill': 5, 'hung-task': 1 })));
    expect(await values('nodedoc_kernel_events_total')).toMatchObject({ 'oom-kill': 5, 'hung-task': 1 });
  });

  it('counts records lost to ring-buffer overruns', async () => {
    const { board, values } = setup();
    board.publish(report(totals({}, 0)));
    board.publish(report(totals({}, 17)));
    board.publish(report(totals({}, 20)));
    expect(await values('nodedoc_kernel_records_missed_total')).toEqual({ '': 20 });
  });
});
