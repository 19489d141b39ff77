import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

/**
 * nodedoc_container_runtime_condition{type}: the CRI runtime's own conditions (RuntimeReady,
 * NetworkReady, …) as 1/0 from the latest cycle. Absent while the runtime is down or absent; whether it
 * answers at all is nodedoc_container_runtime_up (endpoints.ts).
 */
export function registerRuntimeMetrics({ registry, board }: MetricsContext): void {
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_container_runtime_condition',
      help: 'Conditions the container runtime reports over CRI RuntimeService/Status: 1 when true, 0 when false.',
      labelNames: ['type'],
    },
    ({ samples: { runtime } }) =>
      runtime.status === 'ok'
        ? runtime.conditions.map((condition) => [{ type: condition.type }, condition.status ? 1 : 0] as const)
        : [],
  );
}
