import type { Reading } from '../reading.js';
import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

const STATES = ['ok', 'absent', 'unavailable', 'down'] as const;

/** nodedoc_signal_state{signal,state}: one-hot state of every signal, so "unavailable" can be alerted on. */
export function registerSignalState({ registry, board }: MetricsContext): void {
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_signal_state',
      help: 'State of each sampled signal this cycle: 1 for the current state (ok, absent, unavailable, down), else 0.',
      labelNames: ['signal', 'state'],
    },
    (report) =>
      Object.entries(report.samples).flatMap(([signal, reading]) =>
        STATES.map(
          (state) => [{ signal, state }, (reading as Reading<unknown>).status === state ? 1 : 0] as const,
        ),
      ),
  );
}
