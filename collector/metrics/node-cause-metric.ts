import { Gauge, type Registry } from 'prom-client';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';

/**
 * nodedoc_node_cause{node,cause,severity,scope}: 1 per active cause of each node, as last judged. Series
 * exist only while the cause is active (absent, not 0, once it clears), so `count by (cause)` counts nodes
 * and an alert on it resolves when the cause does. Rebuilt from the board at every scrape.
 */
export function registerNodeCauseMetric(registry: Registry, board: DiagnosisBoard): void {
  new Gauge({
    name: 'nodedoc_node_cause',
    help: 'Causes the collector diagnoses on each node: 1 per active cause, labelled with its severity and scope (node or fleet).',
    labelNames: ['node', 'cause', 'severity', 'scope'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { node, cause, severity, scope } of board.activeCauses()) {
        this.set({ node, cause, severity, scope }, 1);
      }
    },
  });
}
