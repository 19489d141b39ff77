import { Registry } from 'prom-client';
import { registerProcessMetrics } from '../../common/metrics/process-metrics.js';
import type { AgentConfig } from '../config/agent-config.js';
import type { CycleBoard } from '../cycle-board.js';
import type { Inventory } from '../inventory.js';
import type { LinkObserver } from '../link/link-observer.js';
import { registerAgentInfo } from './agent-info.js';
import { registerConntrackMetrics } from './conntrack.js';
import { registerDnsMetrics } from './dns.js';
import { registerEndpointGauges } from './endpoints.js';
import { registerFindings } from './findings.js';
import { registerHostGauges } from './host.js';
import { registerKernelMetrics } from './kernel.js';
import { registerLinkMetrics } from './link.js';
import type { MetricsContext } from './metrics-context.js';
import { registerRuntimeMetrics } from './runtime.js';
import { registerSamplingMetrics, type SamplingMetrics } from './sampling.js';
import { registerSignalState } from './signals.js';
import { registerStorageGauges } from './storage.js';

/** Composes every metrics module onto one registry (prom-client style: one file per family group). */
export function createAgentMetrics(
  board: CycleBoard,
  config: AgentConfig,
  inventory: Inventory,
): { registry: Registry; sampling: SamplingMetrics; link: LinkObserver } {
  const registry = new Registry();
  const context: MetricsContext = { registry, board, config, inventory };
  registerProcessMetrics(registry, 'nodedoc_agent_');
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
  return { registry, sampling, link: registerLinkMetrics(context) };
}
