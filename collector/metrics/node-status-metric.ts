import { Gauge, type Registry } from 'prom-client';
import { STATUS_NAMES } from '../diagnosis/diagnosis.js';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';

/**
 * nodedoc_node_status{node,status}: one-hot per node (1 on its current status, 0 on the other three), the
 * kube-state-metrics idiom, so `nodedoc_node_status{status="NotReady"} == 1` selects the nodes in trouble.
 * Rebuilt from the board at every scrape, so forgotten nodes disappear.
 */
export function registerNodeStatusMetric(registry: Registry, board: DiagnosisBoard): void {
  new Gauge({
    name: 'nodedoc_node_status',
    help: "Each node's status as the collector diagnoses it: 1 on the current status, 0 on the others.",
    labelNames: ['node', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [node, current] of board.statuses()) {
        for (const status of STATUS_NAMES) this.set({ node, status }, status === current ? 1 : 0);
      }
    },
  });
}
