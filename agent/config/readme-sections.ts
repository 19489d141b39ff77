import { parseFlags } from '../../common/cli/parse-flags.js';
import { markdownCell, renderFlagTable } from '../../common/cli/usage.js';
import { CycleBoard } from '../cycle-board.js';
import { createAgentMetrics } from '../metrics/registry.js';
import { buildAgentConfig } from './agent-config.js';
import { AGENT_FLAGS } from './agent-flags.js';
import { renderThresholdTable } from './threshold-table.js';

/**
 * The agent's README sections generated from code, by marker name (<!-- generated:NAME:start/end -->):
 * scripts/update-readme.mjs writes them and test/unit/readme.test.ts fails when the README drifts.
 */
export function agentReadmeSections(): Record<string, string> {
  return {
    'agent-flags': renderFlagTable(AGENT_FLAGS),
    'agent-thresholds': renderThresholdTable(),
    'agent-metrics': renderMetricTable(),
  };
}

/** Every metric family the agent registers at start-up, with its type and help text. */
function renderMetricTable(): string {
  const config = buildAgentConfig(parseFlags(AGENT_FLAGS, [], {}), {});
  const inventory = { os: null, kernel: null, arch: null, cpuModel: null, cpuCores: null, memoryBytes: null };
  const { registry } = createAgentMetrics(new CycleBoard(), config, inventory);
  const rows = registry
    .getMetricsAsArray()
    .map((metric) => ({ name: metric.name, type: metric.type, help: metric.help }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, type, help }) => `| \`${name}\` | ${type} | ${markdownCell(help)} |`);
  return ['| metric | type | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
