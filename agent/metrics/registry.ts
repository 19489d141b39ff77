import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AgentConfig } from '../config/agent-config.js';
import type { CycleBoard } from '../cycle-board.js';
import type { Inventory } from '../inventory.js';
import { registerAgentInfo } from './agent-info.js';
import { registerConntrackMetrics } from './conntrack.js';
import { registerDnsMetrics } from './dns.js';
import { registerEndpointGauges } from './endpoints.js';
import { registerFindings } from './findings.js';
import { registerHostGauges } from './host.js';
import { registerKernelMetrics } from './kernel.js';
import type { MetricsContext } from './metrics-context.js';
import { registerRuntimeMetrics } from './runtime.js';
import { registerSamplingMetrics, type SamplingMetrics } from './sampling.js';
import { registerSignalState } from './signals.js';
import { registerStorageGauges } from './storage.js';

const PROM_CLIENT_MISNAMED_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Composes every metrics module onto one registry (prom-client style: one file per family group). */
export function createAgentMetrics(
  board: CycleBoard,
  config: AgentConfig,
  inventory: Inventory,
): { registry: Registry; sampling: SamplingMetrics } {
  const registry = new Registry();
  const context: MetricsContext = { registry, board, config, inventory };
  // The agent's own process: CPU seconds, resident memory, event-loop lag, under nodedoc_agent_.
  collectDefaultMetrics({ register: registry, prefix: 'nodedoc_agent_' });
  // prom-client names these three gauges with the counter-only `_total` suffix, which promtool rejects;
  // the same figures remain as nodedoc_agent_nodejs_active_{handles,requests,resources}.
  for (const name of PROM_CLIENT_MISNAMED_GAUGES) registry.removeSingleMetric(`nodedoc_agent_${name}`);
  registerAgentInfo(context);
  const sampling = registerSamplingMetrics(context);
  registerSignalState(context);
  registerFindings(context);
  registerHostGauges(context);
  registerStorageGauges(context);
  registerEndpointGauges(context);
  registerRuntimeMetrics(context);
  registerConntrackMetrics(context);
  registerDnsMetrics(context);
  registerKernelMetrics(context);
  return { registry, sampling };
}
