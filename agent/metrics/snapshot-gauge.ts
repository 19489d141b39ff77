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
      let written = 0;
      for (const [labels, value] of report ? series(report) : []) {
        if (!Number.isFinite(value)) continue;
        this.set(labels, value);
        written += 1;
      }
      // prom-client's reset() re-creates an unlabelled gauge's series as 0; a signal we could not read
      // must have no series at all (0 would claim "no memory available", "runtime down").
      if (written === 0 && (spec.labelNames ?? []).length === 0) this.remove();
    },
  });
}
