/**
 * Shared by the link-*.test.ts files: the real agent (built binary) streaming to a real collector process,
 * with what those tests read from it — its /metrics figures, its log, and its spool as the next start
 * would find it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll } from 'vitest';
import { SPOOL_SUBDIR } from '../../agent/link/agent-link.js';
import { DiskSpoolStorage } from '../../agent/link/disk-spool-storage.js';
import { Spool } from '../../agent/link/spool.js';
import { type RunningAgent, startAgent } from '../harness/agent-process.js';
import { type CollectorProcess, killOnExit } from '../harness/collector-process.js';
import { samplesOf, scrape } from '../harness/metrics-text.js';

/** Probes that give up fast on this host (no kubelet, runtime or DNS target), so cycles keep their pace. */
const FAST_PROBES = ['--probe-timeout', '200ms', '--dns-timeout', '200ms'];

/** Polling for the tests' bounded waits. */
export const POLL = { timeoutMs: 30_000, intervalMs: 100 };

/** Starts the built agent in continuous mode; it is killed when the test process exits, whatever happens. */
export async function startLinkAgent(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<RunningAgent> {
  const agent = await startAgent([...FAST_PROBES, ...args], { env });
  killOnExit(agent.child);
  return agent;
}

/** Cleanup: kills the agent if it still runs (tests that look at its orderly stop call agent.stop()). */
export async function killAgent(agent: RunningAgent | undefined): Promise<void> {
  if (agent === undefined || agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill('SIGKILL');
  await new Promise((resolve) => agent.child.once('exit', resolve));
}

/** What a link test file runs: a spool directory of its own, and the agent and collector processes it started. */
export interface LinkScene {
  readonly spoolDir: string;
  collector: CollectorProcess | undefined;
  /** Set back to undefined once the test stopped the agent itself. */
  agent: RunningAgent | undefined;
}

/**
 * A scene for one test file, torn down after it whatever happened: the agent killed, the collector disposed of
 * (thawed first if frozen), the spool directory removed.
 */
export function linkScene(name: string): LinkScene {
  const scene: LinkScene = {
    spoolDir: mkdtempSync(join(tmpdir(), `nodedoc-e2e-${name}-spool-`)),
    collector: undefined,
    agent: undefined,
  };
  afterAll(async () => {
    await killAgent(scene.agent);
    await scene.collector?.dispose();
    rmSync(scene.spoolDir, { recursive: true, force: true });
  });
  return scene;
}

/** One unlabelled figure from the agent's /metrics (counters and gauges of the link and spool). */
export async function agentMetric(agent: RunningAgent, name: string): Promise<number> {
  const { samples } = await scrape(agent.metricsUrl);
  const [sample, ...more] = samplesOf(samples, name);
  if (sample === undefined || more.length > 0)
    throw new Error(`expected one ${name} sample in the agent's metrics`);
  return sample.value;
}

/** The agent's log lines with this message. */
export function agentLogged(agent: RunningAgent, msg: string): Record<string, unknown>[] {
  return agent.logLines().filter((line) => line.msg === msg);
}

/** The agent's spool as its next start would find it (opening it is a crash recovery); the agent must be stopped. */
export async function spoolOnDisk(
  spoolDir: string,
): Promise<{ pending: number; last: bigint; epoch: string }> {
  const spool = await Spool.open({
    storage: new DiskSpoolStorage(join(spoolDir, SPOOL_SUBDIR)),
    maxBytes: 64 * 1024 * 1024,
    logger: pino({ level: 'silent' }),
  });
  const result = { pending: spool.pendingReports, last: spool.lastSequence, epoch: spool.epoch };
  await spool.close();
  return result;
}

/** "1".."n" as decimal strings: the sequences of an epoch with nothing missing. */
export function sequencesThrough(last: number, first = 1): string[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => String(first + index));
}
