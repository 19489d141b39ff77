import pino from 'pino';
import { Registry } from 'prom-client';
import { type AgentConfig, buildAgentConfig } from '../../agent/config/agent-config.js';
import { AGENT_FLAGS } from '../../agent/config/agent-flags.js';
import { CycleBoard } from '../../agent/cycle-board.js';
import type { Finding } from '../../agent/finding.js';
import { HostPaths } from '../../agent/host/host-paths.js';
import type { Inventory } from '../../agent/inventory.js';
import type { MetricsContext } from '../../agent/metrics/metrics-context.js';
import { type Absent, absent } from '../../agent/reading.js';
import { type AgentReport, buildReport } from '../../agent/report.js';
import { type PressureLine, type Samples, SIGNAL_NAMES, type SignalName } from '../../agent/sample-types.js';
import type { SignalContext } from '../../agent/signals/signal.js';
import { parseFlags } from '../../common/cli/parse-flags.js';

/**
 * One agent cycle built by hand for unit tests: the samples a test constructs (every other signal
 * absent), the configuration and signal context the agent makes from its flags, and the report that
 * feeds metrics modules. Checks are pure functions of the samples, so nothing else is needed to drive them.
 */

/** What every signal a test does not build reads as. */
export const NOT_SAMPLED: Absent = absent('not part of this test');

/** One cycle's samples with every signal absent except the given ones. */
export function samplesWith(overrides: Partial<Samples>): Samples {
  const base = Object.fromEntries(SIGNAL_NAMES.map((name) => [name, NOT_SAMPLED])) as Record<
    SignalName,
    Absent
  >;
  return { ...base, ...overrides };
}

/**
 * A PSI line with this 10 s average and share of the agent's interval (null: the first sample, no share
 * yet); the longer averages 0 and the total arbitrary, since no check reads them.
 */
export function pressureLine(avg10Ratio: number, intervalRatio: number | null = null): PressureLine {
  return { avg10Ratio, avg60Ratio: 0, avg300Ratio: 0, totalSeconds: 1, intervalRatio };
}

/** The findings of one check id. */
export function byCheck(findings: readonly Finding[], check: Finding['check']): Finding[] {
  return findings.filter((finding) => finding.check === check);
}

/** The agent's configuration from command-line flags (no environment), as main.ts builds it. */
export function configFrom(args: readonly string[]): AgentConfig {
  return buildAgentConfig(parseFlags(AGENT_FLAGS, args, {}), {});
}

/** What a signal is made with, as the agent makes it, reading the host tree at `hostRoot`; logs nothing. */
export function contextFor(hostRoot: string, extraArgs: readonly string[] = []): SignalContext {
  const config = configFrom(['--host-root', hostRoot, ...extraArgs]);
  return { config, paths: new HostPaths(hostRoot), logger: pino({ level: 'silent' }) };
}

/** A host the tests know nothing about (what collectInventory gives when every lookup fails). */
export const TEST_INVENTORY: Inventory = {
  os: null,
  kernel: null,
  arch: null,
  cpuModel: null,
  cpuCores: null,
  memoryBytes: null,
};

/** The report of one cycle with these samples (every other signal absent) and no findings. */
export function reportWith(overrides: Partial<Samples>): AgentReport {
  const cycle = { samples: samplesWith(overrides), startedAt: new Date(), durationSeconds: 0.01 };
  return buildReport('test-node', TEST_INVENTORY, cycle, []);
}

/**
 * A metrics module on its own registry, registered with the default config and fed cycles through a
 * CycleBoard as the agent feeds it.
 */
export function metricsModule(register: (context: MetricsContext) => void): {
  readonly registry: Registry;
  /** Publishes one cycle with these samples, as the sampling loop does after each cycle. */
  readonly publish: (overrides: Partial<Samples>) => void;
} {
  const registry = new Registry();
  const board = new CycleBoard();
  register({ registry, board, config: configFrom([]), inventory: TEST_INVENTORY });
  return { registry, publish: (overrides) => board.publish(reportWith(overrides)) };
}
