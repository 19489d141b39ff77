/**
 * `npm run bench`: the agent's cost per sampling cycle and its peak memory, measured in the same run as
 * prometheus-node-exporter scraped at the same rate, so the ratio means something on any machine.
 *
 * Method: both run side by side on loopback. After a warm-up, both /metrics endpoints are scraped every
 * --interval for --cycles rounds (node_exporter does its sampling at scrape time; the agent samples on its
 * own timer at the same interval and serves its latest cycle). CPU is utime+stime of each process from
 * /proc/PID/stat over the measured window, divided by the cycles each completed; peak RSS is VmHWM.
 *
 * Usage: node dist/bench/agent-overhead.js [--cycles 60] [--interval 1s] [--node-exporter PATH] [--json FILE]
 *        [--node-flags="--flag …"]   (V8/Node flags for the agent instead of the ones it ships with)
 *        [--agent-args="--cri-socket /run/containerd/containerd.sock …"]   (extra agent flags, e.g. to
 *        measure with a container runtime and DNS target present, as on a real node)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBytes } from '../common/bytes.js';
import { parseDuration } from '../common/duration.js';
import { shebangNodeFlags } from '../common/shebang-flags.js';
import { freePort } from './lib/free-port.js';
import { readProcessUsage } from './lib/process-usage.js';
import { closeScrapeConnections, sampleValue, scrape } from './lib/scrape.js';

const DEFAULT_CYCLES = 60;
const DEFAULT_INTERVAL = '1s';
/** Cycles thrown away first: module loading, JIT warm-up and the first (rate-less) sample are start-up cost. */
const WARMUP_CYCLES = 5;
const READY_TIMEOUT_MS = 20_000;
/** The agent's targets (issue 2): no more CPU per cycle than node_exporter per scrape, and this much memory. */
const RSS_TARGET_BYTES = 64 * 2 ** 20;

const AGENT_BIN = fileURLToPath(new URL('../agent/main.js', import.meta.url));
const AGENT_NODE_FLAGS = shebangNodeFlags(AGENT_BIN);

interface Measured {
  readonly name: string;
  readonly cycles: number;
  readonly cpuSeconds: number;
  readonly cpuSecondsPerCycle: number;
  readonly peakRssBytes: number;
}

async function waitReady(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    try {
      await scrape(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${name} did not answer ${url} within ${READY_TIMEOUT_MS}ms`);
}

function usage(message: string): never {
  process.stderr.write(
    `bench: ${message}\nusage: npm run bench -- [--cycles N] [--interval 1s] [--node-exporter PATH] [--json FILE] [--node-flags=FLAGS] [--agent-args=ARGS]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values: {
    'agent-args'?: string;
    cycles?: string;
    interval?: string;
    'node-exporter'?: string;
    json?: string;
    'node-flags'?: string;
  };
  try {
    ({ values } = parseArgs({
      options: {
        cycles: { type: 'string' },
        interval: { type: 'string' },
        'node-exporter': { type: 'string' },
        json: { type: 'string' },
        'node-flags': { type: 'string' },
        'agent-args': { type: 'string' },
      },
    }));
  } catch (error) {
    usage(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  }
  const cycles = Number(values.cycles ?? DEFAULT_CYCLES);
  const intervalMs = parseDuration(values.interval ?? DEFAULT_INTERVAL);
  if (!Number.isInteger(cycles) || cycles < 5) usage('--cycles must be a whole number of at least 5');
  if (intervalMs === undefined || intervalMs < 100) usage('--interval must be a duration of at least 100ms');
  const exporterBin = values['node-exporter'] ?? 'prometheus-node-exporter';

  const [exporterPort, agentPort] = await Promise.all([freePort(), freePort()]);
  const exporterUrl = `http://127.0.0.1:${exporterPort}/metrics`;
  const agentUrl = `http://127.0.0.1:${agentPort}/metrics`;
  // Debian's build enables the systemd collector, which only logs a dbus error per scrape where there is no
  // systemd (CI, containers); everything else runs with node_exporter's defaults.
  const exporter = spawn(
    exporterBin,
    [`--web.listen-address=127.0.0.1:${exporterPort}`, '--no-collector.systemd'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  exporter.on('error', (error) =>
    usage(`cannot start ${exporterBin}: ${error.message} (apt-get install prometheus-node-exporter)`),
  );
  const nodeFlags =
    values['node-flags'] === undefined ? AGENT_NODE_FLAGS : values['node-flags'].split(/\s+/).filter(Boolean);
  const agent = spawn(
    process.execPath,
    [
      ...nodeFlags,
      AGENT_BIN,
      '--interval',
      `${intervalMs}ms`,
      '--metrics-listen',
      `127.0.0.1:${agentPort}`,
      '--log-level',
      'warn',
      ...(values['agent-args'] ?? '').split(/\s+/).filter(Boolean),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stopAll = () => {
    for (const child of [exporter, agent]) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });

  try {
    await Promise.all([
      waitReady(exporterUrl, exporter, exporterBin),
      waitReady(agentUrl, agent, 'nodedoc-agent'),
    ]);
    for (let i = 0; i < WARMUP_CYCLES; i += 1) {
      await Promise.all([scrape(exporterUrl), scrape(agentUrl), sleep(intervalMs)]);
    }
    const agentCyclesBefore = sampleValue(await scrape(agentUrl), 'nodedoc_agent_cycles_total') ?? 0;
    const exporterBefore = readProcessUsage(exporter.pid as number);
    const agentBefore = readProcessUsage(agent.pid as number);
    process.stderr.write(`measuring ${cycles} cycles at ${intervalMs}ms…\n`);
    for (let i = 0; i < cycles; i += 1) {
      await Promise.all([scrape(exporterUrl), scrape(agentUrl), sleep(intervalMs)]);
    }
    const agentText = await scrape(agentUrl);
    const exporterAfter = readProcessUsage(exporter.pid as number);
    const agentAfter = readProcessUsage(agent.pid as number);
    const agentCycles = (sampleValue(agentText, 'nodedoc_agent_cycles_total') ?? 0) - agentCyclesBefore;

    const measured: Measured[] = [
      {
        name: 'nodedoc-agent',
        cycles: agentCycles,
        cpuSeconds: agentAfter.cpuSeconds - agentBefore.cpuSeconds,
        cpuSecondsPerCycle: (agentAfter.cpuSeconds - agentBefore.cpuSeconds) / Math.max(agentCycles, 1),
        peakRssBytes: agentAfter.peakRssBytes,
      },
      {
        name: 'node_exporter',
        // Plus the one scrape at the end that read the agent's counter, which the exporter did not get.
        cycles,
        cpuSeconds: exporterAfter.cpuSeconds - exporterBefore.cpuSeconds,
        cpuSecondsPerCycle: (exporterAfter.cpuSeconds - exporterBefore.cpuSeconds) / cycles,
        peakRssBytes: exporterAfter.peakRssBytes,
      },
    ];
    const [a, e] = measured as [Measured, Measured];
    const cpuRatio = a.cpuSecondsPerCycle / e.cpuSecondsPerCycle;
    const lines = [
      `${'process'.padEnd(15)} ${'cycles'.padStart(6)} ${'cpu total'.padStart(10)} ${'cpu/cycle'.padStart(10)} ${'peak RSS'.padStart(10)}`,
      ...measured.map(
        (m) =>
          `${m.name.padEnd(15)} ${String(m.cycles).padStart(6)} ${`${m.cpuSeconds.toFixed(2)}s`.padStart(10)} ${`${(m.cpuSecondsPerCycle * 1000).toFixed(2)}ms`.padStart(10)} ${formatBytes(m.peakRssBytes).padStart(10)}`,
      ),
      '',
      `agent CPU per cycle / node_exporter CPU per scrape = ${cpuRatio.toFixed(2)} (target ≤ 1.00: ${cpuRatio <= 1 ? 'met' : 'NOT met'})`,
      `agent peak RSS ${formatBytes(a.peakRssBytes)} (target ≤ ${formatBytes(RSS_TARGET_BYTES)}: ${a.peakRssBytes <= RSS_TARGET_BYTES ? 'met' : 'NOT met'})`,
      `agent peak RSS / node_exporter peak RSS = ${(a.peakRssBytes / e.peakRssBytes).toFixed(2)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (values.json) {
      writeFileSync(
        values.json,
        `${JSON.stringify({ date: new Date().toISOString(), intervalMs, measured, cpuRatio, rssTargetBytes: RSS_TARGET_BYTES }, null, 2)}\n`,
      );
    }
  } finally {
    closeScrapeConnections();
    stopAll();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
