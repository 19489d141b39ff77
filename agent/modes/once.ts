import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { evaluate } from '../checks/index.js';
import type { AgentConfig } from '../config/agent-config.js';
import type { HostPaths } from '../host/host-paths.js';
import { collectInventory } from '../inventory.js';
import { type AgentReport, buildReport } from '../report.js';
import { Sampler } from '../sampler.js';
import { renderReportText } from './render-text.js';

/** Samples twice, --interval apart (rates need two points), and returns the second cycle's report. */
export async function sampleOnce(
  config: AgentConfig,
  paths: HostPaths,
  logger: Logger,
): Promise<AgentReport> {
  const sampler = new Sampler({ config, paths, logger });
  try {
    const [inventory] = await Promise.all([collectInventory(paths), sampler.sample()]);
    await sleep(config.intervalMs);
    const cycle = await sampler.sample();
    return buildReport(config.nodeName, inventory, cycle, evaluate(cycle.samples, config.thresholds));
  } finally {
    await sampler.close();
  }
}

export async function runOnce(config: AgentConfig, paths: HostPaths, logger: Logger): Promise<void> {
  const report = await sampleOnce(config, paths, logger);
  process.stdout.write(config.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
}
