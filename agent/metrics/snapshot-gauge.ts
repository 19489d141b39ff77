import { Gauge, type Registry } from 'prom-client';
import type { CycleBoard } from '../cycle-board.js';
import type { AgentReport } from '../report.js';

export type LabelValues = Readonly<Record<string, string>>;
/** One series: its labels and value. */
export type Series = readonly [LabelValues, number];

/**
 * A gauge whose series are computed from the latest cycle at scrape time. Series of a signal that is
 * not `ok` this cycle simply vanish, which is what PromQL's absent() and staleness expect.
 */
export function snapshotGauge(
  registry: Registry,
  board: CycleBoard,
  spec: { name: string; help: string; labelNames?: readonly string[] },
  series: (report: AgentReport) => readonly Series[],
): Gauge {
  return new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      const report = board.latest;
      if (!report) return;
      for (const [labels, value] of series(report)) {
        if (Number.isFinite(value)) this.set(labels, value);
      }
    },
  });
}
