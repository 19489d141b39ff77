import { Gauge } from 'prom-client';
import { VERSION } from '../../common/version.js';
import type { MetricsContext } from './metrics-context.js';

/** nodedoc_agent_info: constant 1 carrying version, node and kernel as labels (the node_exporter idiom). */
export function registerAgentInfo({ registry, config, inventory }: MetricsContext): void {
  const info = new Gauge({
    name: 'nodedoc_agent_info',
    help: 'Constant 1, labelled with the agent version, node name, kernel and OS.',
    labelNames: ['version', 'node', 'kernel', 'os'],
    registers: [registry],
  });
  info.set(
    {
      version: VERSION,
      node: config.nodeName,
      kernel: inventory.kernel ?? 'unknown',
      os: inventory.os ?? 'unknown',
    },
    1,
  );
}
