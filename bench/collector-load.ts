/**
 * `npm run bench:collector`: the collector under a simulated fleet, one real collector process per run.
 *
 * Method. Each run starts the built collector (dist/collector/main.js) on loopback with a fresh data
 * directory, and a load generator in this process opens simulated agents against it: real grpc-js clients
 * speaking the real AgentService.Report stream with the agent's own codec (Hello, then Batches of Reports
 * encoded from a `nodedoc-agent --once --json` document of this host, captured at start; each agent has its
 * own node name, epoch and sequences). Streams are multiplexed over a few hundred HTTP/2 connections
 * (lib/simulated-fleet.ts says why). Streams are opened at 500/s and must all be welcomed.
 * - Paced runs (--streams, default 1,000, 5,000 and 15,000): every agent sends one report per --interval
 *   (default 10 s, the agent's default), phases spread over the interval. One interval of warm-up, then
 *   --duration measured.
 * - Max-rate runs (--max-rate streams, default 200; one run per --batch size, default 1 and 10): each
 *   agent keeps two batches of N reports in flight and sends the next when an ack arrives, as an agent
 *   replaying its spool does; a few seconds of warm-up, then --duration measured.
 * - Transport-floor runs (after each max-rate run, unless --skip-floor): the same load against a bare
 *   grpc-js server that decodes each message as the collector does and acks it at once, storing nothing
 *   (lib/transport-floor-server.ts). It is the peer measured in the same run: what grpc-js, the generator
 *   and this machine allow; the collector's max-rate figure is also given as a share of it.
 * Reported per run: reports/s and messages/s acknowledged in the window; p50/p99/max from writing a message
 * to receiving its ack (the collector acks only after the batch committed: stored and queryable, and durable
 * against a crash of the collector — SQLite WAL with synchronous=NORMAL); the collector's own ingest latency
 * (its histogram, arrival to commit); the collector's CPU over the window ((utime+stime) from
 * /proc/PID/stat, in cores) and its peak RSS (VmHWM, whole run including the ramp); the generator's own CPU
 * and event-loop delay, to show whether it was the bottleneck.
 *
 * Usage: npm run bench:collector -- [--streams 1000,5000,15000] [--interval 10s] [--duration 60s]
 *        [--max-rate 200] [--batch 1,10] [--data-dir DIR] [--node-flags="--cpu-prof …"] [--json FILE]
 *        [--skip-floor]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LinkCodec, loadLinkCodec } from '../agent/link/link-codec.js';
import { LINK_DEFAULTS } from '../agent/link/link-tuning.js';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from '../collector/ingest/wire-limits.js';
import { formatBytes } from '../common/bytes.js';
import { readCommandLine } from '../common/cli/command-line.js';
import type { FlagSpec } from '../common/cli/flag-spec.js';
import type { ParsedFlags } from '../common/cli/parse-flags.js';
import { EXIT_FAILURE, UsageError } from '../common/cli/usage-error.js';
import { formatDuration, parseDuration } from '../common/duration.js';
import { AckWindow, type LatencySummary } from './lib/ack-window.js';
import { type CollectorDelta, collectorDelta, scrapeCollectorFigures } from './lib/collector-figures.js';
import { CollectorUnderTest, type ServerUnderTest } from './lib/collector-under-test.js';
import { ReportTemplate } from './lib/report-template.js';
import { SimulatedFleet } from './lib/simulated-fleet.js';

const PROGRAM = 'bench:collector';
const DEFAULT_STREAMS = [1_000, 5_000, 15_000];
const DEFAULT_INTERVAL = '10s';
const DEFAULT_DURATION = '60s';
const DEFAULT_MAX_RATE_STREAMS = 200;
/**
 * One report per message is what agents send in steady state; ten is a small replay batch (an agent
 * replaying its spool sends up to 200).
 */
const DEFAULT_BATCH_REPORTS = [1, 10];
/** Below this a window holds too few acks at 10 s intervals to say anything. */
const MIN_DURATION_MS = 5_000;
/** Streams one run may open: beyond this the generator's own file descriptors and memory run out first. */
const MAX_STREAMS = 50_000;
/** Batches each max-rate agent keeps in flight: the agent's own (two batches, link-tuning.ts). */
const MAX_RATE_IN_FLIGHT = 2;
/** The max-rate run's warm-up: JIT, SQLite's page cache and the WAL's first growth are not the steady state. */
const MAX_RATE_WARMUP_MS = 5_000;
/** The issue's targets for one collector process. */
const TARGET_AGENTS = 15_000;
const TARGET_RSS_BYTES = 2 ** 30;
const TARGET_REPORTS_PER_SECOND = 20_000;
const NANOS_PER_MS = 1e6;
/**
 * The collector's /metrics is scraped this long before the window opens (and when it closes): with 15,000
 * nodes the scrape itself holds its event loop for a few hundred milliseconds, which must not land in the
 * window.
 */
const SCRAPE_LEAD_MS = 2_000;

const FLAGS: readonly FlagSpec[] = [
  { name: 'help', type: 'boolean', env: false, description: 'Print this help and exit.' },
  {
    name: 'streams',
    type: 'string',
    env: false,
    placeholder: 'N[,N...]',
    defaultText: DEFAULT_STREAMS.join(','),
    description: 'Concurrent agent streams of the paced runs, one run per number; 0 skips them.',
  },
  {
    name: 'interval',
    type: 'string',
    env: false,
    placeholder: 'DURATION',
    defaultText: DEFAULT_INTERVAL,
    description: 'A paced agent sends one report per interval (the agent default is 10s).',
  },
  {
    name: 'duration',
    type: 'string',
    env: false,
    placeholder: 'DURATION',
    defaultText: DEFAULT_DURATION,
    description: 'Measured time of each run, after the ramp-up and the warm-up.',
  },
  {
    name: 'max-rate',
    type: 'string',
    env: false,
    placeholder: 'STREAMS',
    defaultText: String(DEFAULT_MAX_RATE_STREAMS),
    description: 'Streams of the max-rate runs, each sending as fast as acks allow; 0 skips them.',
  },
  {
    name: 'batch',
    type: 'string',
    env: false,
    placeholder: 'REPORTS[,REPORTS...]',
    defaultText: DEFAULT_BATCH_REPORTS.join(','),
    description: `Reports per batch of the max-rate runs, one run per number (1 to ${LINK_DEFAULTS.maxBatchReports}, the agent's own batch limit).`,
  },
  {
    name: 'data-dir',
    type: 'string',
    env: false,
    placeholder: 'DIR',
    defaultText: 'the OS temp dir',
    description: "Where each run's collector gets a fresh data directory: the disk under test.",
  },
  {
    name: 'node-flags',
    type: 'string',
    env: false,
    placeholder: 'FLAGS',
    defaultText: "the collector's shebang flags",
    description: 'Node flags for the collector instead, e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile it.',
  },
  {
    name: 'json',
    type: 'string',
    env: false,
    placeholder: 'FILE',
    description: 'Also write the figures as JSON.',
  },
  {
    name: 'skip-floor',
    type: 'boolean',
    env: false,
    description:
      'Skip the transport-floor runs (a bare grpc-js server that decodes and acks, the peer each max-rate run is compared with).',
  },
];

interface Settings {
  readonly streams: readonly number[];
  readonly intervalMs: number;
  readonly durationMs: number;
  readonly maxRateStreams: number;
  readonly batchReports: readonly number[];
  readonly dataDir: string | undefined;
  readonly nodeFlags: readonly string[] | undefined;
  readonly json: string | undefined;
  /** Run the transport floor after each max-rate run. */
  readonly floor: boolean;
}

interface RunResult {
  readonly run: string;
  readonly server: ServerUnderTest;
  readonly streams: number;
  readonly connections: number;
  readonly reportsPerBatch: number;
  /** Seconds to open every stream and receive every Welcome. */
  readonly rampSeconds: number;
  readonly windowSeconds: number;
  readonly reportsPerSecond: number;
  readonly messagesPerSecond: number;
  /** Reports the paced schedule called for in the window (undefined for max-rate). */
  readonly expectedReportsPerSecond: number | undefined;
  /** Write to ack, milliseconds. */
  readonly latency: LatencySummary;
  /** (utime+stime) over the window / window: CPU cores the collector used. */
  readonly collectorCpuCores: number;
  /** The same for its main thread alone (the event loop): at 1.0 it is the bottleneck. */
  readonly collectorMainThreadCpuCores: number;
  readonly collectorPeakRssBytes: number;
  readonly collectorRssBytes: number;
  readonly generatorCpuCores: number;
  readonly generatorPeakRssBytes: number;
  readonly generatorLoopDelayP99Ms: number;
  /** The collector's own figures from just before the window to its end. */
  readonly collector: CollectorDelta;
  /** Streams ended by the collector or the network during the run, by status. */
  readonly failedStreams: Readonly<Record<string, number>>;
}

function positiveIntegers(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => part.trim());
  if (values.some((value) => !/^\d+$/.test(value))) {
    throw new UsageError(`--${flag} ${text}: expected whole numbers separated by commas, like 1000,5000`);
  }
  return values.map(Number);
}

function duration(text: string, flag: string, minMs: number, maxMs: number): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < minMs || ms > maxMs) {
    throw new UsageError(
      `--${flag} ${text}: expected a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)}, like 10s`,
    );
  }
  return ms;
}

function settingsFrom(flags: ParsedFlags): Settings {
  const streams = positiveIntegers(flags.string('streams') ?? DEFAULT_STREAMS.join(','), 'streams').filter(
    (count) => count > 0,
  );
  if (streams.some((count) => count > MAX_STREAMS)) {
    throw new UsageError(`--streams: at most ${MAX_STREAMS} streams per run`);
  }
  const [maxRateStreams = 0, ...extra] = positiveIntegers(
    flags.string('max-rate') ?? String(DEFAULT_MAX_RATE_STREAMS),
    'max-rate',
  );
  if (extra.length > 0 || maxRateStreams > MAX_STREAMS) {
    throw new UsageError(
      `--max-rate ${flags.string('max-rate')}: expected one number of streams up to ${MAX_STREAMS}`,
    );
  }
  const batchText = flags.string('batch') ?? DEFAULT_BATCH_REPORTS.join(',');
  const batchReports = positiveIntegers(batchText, 'batch');
  if (batchReports.some((reports) => reports < 1 || reports > LINK_DEFAULTS.maxBatchReports)) {
    throw new UsageError(`--batch ${batchText}: each must be from 1 to ${LINK_DEFAULTS.maxBatchReports}`);
  }
  if (streams.length === 0 && maxRateStreams === 0)
    throw new UsageError('nothing to run: --streams 0 and --max-rate 0');
  return {
    streams: [...streams].sort((a, b) => a - b),
    intervalMs: duration(
      flags.string('interval') ?? DEFAULT_INTERVAL,
      'interval',
      MIN_INTERVAL_MS,
      MAX_INTERVAL_MS,
    ),
    durationMs: duration(
      flags.string('duration') ?? DEFAULT_DURATION,
      'duration',
      MIN_DURATION_MS,
      MAX_INTERVAL_MS,
    ),
    maxRateStreams,
    batchReports,
    dataDir: flags.string('data-dir'),
    nodeFlags: flags.string('node-flags')?.split(/\s+/).filter(Boolean),
    json: flags.string('json'),
    floor: !flags.boolean('skip-floor'),
  };
}

/** What a Ctrl-C must stop: the run in progress. */
const active: { fleet?: SimulatedFleet; collector?: CollectorUnderTest; capture?: AbortController } = {};

function onInterrupt(signal: NodeJS.Signals): void {
  process.stderr.write(`\n${PROGRAM}: ${signal}: stopping the load and the collector\n`);
  active.capture?.abort();
  active.fleet?.close();
  active.collector?.killNow();
  process.exit(130);
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** One run: a fleet paced at --interval, or driven as fast as acks allow with batches of `batchReports`. */
interface RunPlan {
  readonly name: string;
  readonly mode: 'paced' | 'max-rate';
  readonly streams: number;
  readonly batchReports: number;
  /** The collector, or its transport floor (bench/lib/transport-floor-server.ts). */
  readonly server: ServerUnderTest;
}

function plans(settings: Settings): RunPlan[] {
  return [
    ...settings.streams.map(
      (streams): RunPlan => ({
        name: `paced ${streams}`,
        mode: 'paced',
        streams,
        batchReports: 1,
        server: 'collector',
      }),
    ),
    ...(settings.maxRateStreams > 0 ? settings.batchReports : []).flatMap((batchReports): RunPlan[] => {
      const run = { mode: 'max-rate', streams: settings.maxRateStreams, batchReports } as const;
      return [
        { ...run, name: `max-rate ×${batchReports}`, server: 'collector' },
        ...(settings.floor
          ? [{ ...run, name: `floor ×${batchReports}`, server: 'transport-floor' } as const]
          : []),
      ];
    }),
  ];
}

async function measureRun(
  plan: RunPlan,
  settings: Settings,
  codec: LinkCodec,
  template: ReportTemplate,
): Promise<RunResult> {
  const { name, mode, streams, batchReports } = plan;
  const collector = await CollectorUnderTest.start(settings.dataDir, settings.nodeFlags, plan.server);
  active.collector = collector;
  const window = new AckWindow();
  const fleet = new SimulatedFleet({
    target: collector.grpcTarget,
    streams,
    codec,
    template,
    intervalMs: settings.intervalMs,
    window,
    namePrefix: mode === 'paced' ? 'paced-node-' : 'replay-node-',
  });
  active.fleet = fleet;
  try {
    progress(`${name}: opening ${streams} streams over ${fleet.connections} connections…`);
    const rampStart = performance.now();
    await fleet.open((stream) => fleet.topUp(stream, batchReports, MAX_RATE_IN_FLIGHT));
    const rampSeconds = (performance.now() - rampStart) / 1_000;
    const warmupMs = mode === 'paced' ? Math.max(settings.intervalMs, SCRAPE_LEAD_MS) : MAX_RATE_WARMUP_MS;
    if (mode === 'paced') fleet.startPaced();
    else fleet.startMaxRate(batchReports, MAX_RATE_IN_FLIGHT);
    progress(`${name}: all welcomed in ${rampSeconds.toFixed(1)} s; warm-up ${formatDuration(warmupMs)}…`);
    await sleep(warmupMs - SCRAPE_LEAD_MS);
    const figuresBefore = await scrapeCollectorFigures(collector.httpBase);
    await sleep(SCRAPE_LEAD_MS);

    progress(`${name}: measuring ${formatDuration(settings.durationMs)}…`);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const collectorBefore = collector.usage();
    const generatorBefore = process.cpuUsage();
    window.start();
    await sleep(settings.durationMs);
    window.stop();
    const collectorAfter = collector.usage();
    const generatorCpu = process.cpuUsage(generatorBefore);
    loopDelay.disable();
    const collectorSaw = collectorDelta(figuresBefore, await scrapeCollectorFigures(collector.httpBase));
    await fleet.stopSending();

    const seconds = window.seconds;
    return {
      run: name,
      server: plan.server,
      streams,
      connections: fleet.connections,
      reportsPerBatch: batchReports,
      rampSeconds,
      windowSeconds: seconds,
      reportsPerSecond: window.reportsPerSecond(),
      messagesPerSecond: window.messagesPerSecond(),
      expectedReportsPerSecond: mode === 'paced' ? (streams * 1_000) / settings.intervalMs : undefined,
      latency: window.latency(),
      collectorCpuCores: (collectorAfter.cpuSeconds - collectorBefore.cpuSeconds) / seconds,
      collectorMainThreadCpuCores:
        (collectorAfter.mainThreadCpuSeconds - collectorBefore.mainThreadCpuSeconds) / seconds,
      collectorPeakRssBytes: collectorAfter.peakRssBytes,
      collectorRssBytes: collectorAfter.rssBytes,
      generatorCpuCores: (generatorCpu.user + generatorCpu.system) / 1e6 / seconds,
      generatorPeakRssBytes: process.resourceUsage().maxRSS * 1_024,
      generatorLoopDelayP99Ms: loopDelay.percentile(99) / NANOS_PER_MS,
      collector: collectorSaw,
      failedStreams: fleet.failures(),
    };
  } finally {
    fleet.close();
    delete active.fleet;
    await collector.stop();
    delete active.collector;
  }
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(0)}ms` : '-';
}

/** The floor run with the same batch size as a collector max-rate run. */
function floorOf(result: RunResult, results: readonly RunResult[]): RunResult | undefined {
  if (result.server !== 'collector' || !result.run.startsWith('max-rate')) return undefined;
  return results.find(
    (other) => other.server === 'transport-floor' && other.reportsPerBatch === result.reportsPerBatch,
  );
}

/** A collector run's messages/s as a share of its floor's. */
function ofFloor(result: RunResult, results: readonly RunResult[]): string {
  const floor = floorOf(result, results);
  return floor ? `${((100 * result.messagesPerSecond) / floor.messagesPerSecond).toFixed(0)}%` : '-';
}

function table(results: readonly RunResult[]): string {
  const header = [
    'run',
    'streams',
    'conns',
    'reports/s',
    'msgs/s',
    'p50',
    'p99',
    'max',
    'store p99 ≤',
    'coll. CPU',
    'main thread',
    'coll. peak RSS',
    'gen. CPU',
    'gen. loop p99',
    'of floor',
  ];
  const rows = results.map((result) => [
    result.run,
    String(result.streams),
    String(result.connections),
    result.reportsPerSecond.toFixed(0),
    result.messagesPerSecond.toFixed(0),
    ms(result.latency.p50Ms),
    ms(result.latency.p99Ms),
    ms(result.latency.maxMs),
    ms(result.collector.ingestP99AtMostMs),
    `${result.collectorCpuCores.toFixed(2)} cores`,
    `${result.collectorMainThreadCpuCores.toFixed(2)} cores`,
    formatBytes(result.collectorPeakRssBytes),
    `${result.generatorCpuCores.toFixed(2)} cores`,
    ms(result.generatorLoopDelayP99Ms),
    ofFloor(result, results),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function verdicts(results: readonly RunResult[]): string[] {
  const lines: string[] = [];
  const largest = results.filter((result) => result.run.startsWith('paced')).at(-1);
  if (largest) {
    const met = largest.streams >= TARGET_AGENTS && largest.collectorPeakRssBytes < TARGET_RSS_BYTES;
    lines.push(
      `${TARGET_AGENTS} concurrent agents under ${formatBytes(TARGET_RSS_BYTES)} RSS: ${largest.streams} streams, peak ${formatBytes(largest.collectorPeakRssBytes)} — ${largest.streams < TARGET_AGENTS ? 'not measured (fewer streams)' : met ? 'met' : 'NOT met'}`,
    );
    const onSchedule = largest.reportsPerSecond / (largest.expectedReportsPerSecond ?? Number.NaN);
    lines.push(
      `  paced schedule kept: ${(onSchedule * 100).toFixed(1)}% of the reports due were acknowledged in the window`,
    );
  }
  const collectorRuns = results.filter((result) => result.server === 'collector');
  for (const maxRate of collectorRuns.filter((result) => result.run.startsWith('max-rate'))) {
    const reports = maxRate.reportsPerSecond;
    const messages = maxRate.messagesPerSecond;
    const verdict =
      messages >= TARGET_REPORTS_PER_SECOND
        ? 'met'
        : reports >= TARGET_REPORTS_PER_SECOND
          ? 'met counting reports, NOT counting gRPC messages'
          : 'NOT met';
    lines.push(
      `≥ ${TARGET_REPORTS_PER_SECOND} messages/s sustained, ${maxRate.run}: ${reports.toFixed(0)} reports/s in ${messages.toFixed(0)} messages/s — ${verdict}`,
    );
    const floor = floorOf(maxRate, results);
    if (floor) {
      const perMessageUs = (cores: number, rate: number) => ((cores * 1e6) / rate).toFixed(0);
      lines.push(
        `  against the transport floor (${floor.messagesPerSecond.toFixed(0)} messages/s): ${ofFloor(maxRate, results)}; CPU per message ${perMessageUs(maxRate.collectorCpuCores, messages)} µs (main thread ${perMessageUs(maxRate.collectorMainThreadCpuCores, messages)} µs), floor ${perMessageUs(floor.collectorCpuCores, floor.messagesPerSecond)} µs`,
      );
    }
  }
  for (const result of collectorRuns) {
    const { gaps, duplicates } = result.collector;
    if (gaps !== 0 || duplicates !== 0) {
      lines.push(
        `${result.run}: the collector counted ${gaps} gaps and ${duplicates} duplicates (expected none)`,
      );
    }
    const failed = Object.entries(result.failedStreams);
    if (failed.length > 0)
      lines.push(`${result.run}: streams failed: ${failed.map(([why, n]) => `${n}× ${why}`).join('; ')}`);
  }
  return lines;
}

async function main(argv: readonly string[]): Promise<number> {
  const read = readCommandLine(
    { program: PROGRAM, invocation: 'npm run bench:collector --', synopsis: ['[flags]'], flags: FLAGS },
    argv,
    settingsFrom,
  );
  if ('exitCode' in read) return read.exitCode;
  const settings = read.config;
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);

  const loadAtStart = loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
  const codec = await loadLinkCodec();
  progress('capturing a report: nodedoc-agent --once --json…');
  active.capture = new AbortController();
  const template = await ReportTemplate.capture(codec, active.capture.signal);
  delete active.capture;
  progress(
    `report: ${formatBytes(template.reportBytes)} encoded, ${template.document.findings.length} findings; host: ${cpus().length} CPUs, ${formatBytes(totalmem())}`,
  );

  const results: RunResult[] = [];
  for (const plan of plans(settings)) results.push(await measureRun(plan, settings, codec, template));

  process.stdout.write(
    [
      `paced: one report per ${formatDuration(settings.intervalMs)} per stream; max-rate ×N: ${MAX_RATE_IN_FLIGHT} batches of N reports in flight per stream. Measured over ${formatDuration(settings.durationMs)} per run; load average at start ${loadAtStart}.`,
      'p50/p99/max: writing a message to its ack; the collector acks after the commit (stored, queryable, durable against its own crash).',
      "store p99 ≤: the collector's own ingest latency histogram (arrival to commit), bucket bound of its 99th percentile.",
      '',
      table(results),
      '',
      ...verdicts(results),
      '',
    ].join('\n'),
  );
  if (settings.json) {
    writeFileSync(
      settings.json,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          host: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model,
            memoryBytes: totalmem(),
            kernel: release(),
          },
          loadAverageAtStart: loadAtStart,
          settings,
          reportBytes: template.reportBytes,
          results,
        },
        null,
        2,
      )}\n`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`);
    active.fleet?.close();
    active.collector?.killNow();
    process.exitCode = EXIT_FAILURE;
  },
);
