/**
 * The collector's embedded store alone (no gRPC): how many reports per second it commits, and how long a
 * report waits from ingest() to committed-and-queryable, at a few group-commit batch sizes.
 *
 * Method, all in this one process on a fresh SQLite file per run (under --dir, default the OS temp dir):
 * - max rate: --streams concurrent streams (nodes) each send one report, wait for its acknowledgement and
 *   send the next, as agents replaying a backlog do, for --seconds per --batch-rows value (the batcher's
 *   flush-at-N-rows limit; 1 = a transaction per report, the baseline). The first second is warm-up.
 * - fleet: --fleet-nodes nodes each reporting once per --interval, spread evenly over it (15,000 every
 *   10 s is issue 3's target), for --fleet-seconds, with the default batcher settings.
 * - prune: after the largest max-rate run, deletes the older half of its timeline in chunks.
 * - reads: at the end of the fleet run, listNodes() (every node with its latest report), getNode() and a
 *   one-hour timeline(): each is one synchronous query on the event loop.
 * In the max-rate runs every stream waits for its own ack before sending again, so their latency is mostly
 * queueing behind the other streams' writes (a round of 2,000); the fleet run shows the latency of a
 * store that keeps up.
 * Reported: reports/s; ingest-to-committed latency p50/p99/max; transactions and rows per transaction;
 * the event loop's longest stall (monitorEventLoopDelay: a flush or a prune chunk blocks it); CPU as
 * cores used; RSS. Each report carries a --samples-bytes samples JSON (a real agent's is 3-6 KiB).
 *
 * Usage: npm run build && node dist/bench/store-throughput.js [--seconds 10] [--streams 2000]
 *        [--batch-rows 1,10,100,1000] [--fleet-nodes 15000] [--interval 10s] [--fleet-seconds 30]
 *        [--samples-bytes 4096] [--dir DIR] [--json FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { IncomingReport } from '../collector/store/node-store.js';
import { SqliteStore } from '../collector/store/sqlite-store.js';
import type { FlushInfo } from '../collector/store/write-batcher.js';
import { formatBytes } from '../common/bytes.js';
import { parseDuration } from '../common/duration.js';
import { readProcessUsage } from './lib/process-usage.js';

const DEFAULTS = {
  seconds: 10,
  streams: 2_000,
  batchRows: [1, 10, 100, 1_000],
  fleetNodes: 15_000,
  intervalMs: 10_000,
  fleetSeconds: 30,
  samplesBytes: 4_096,
};
/** Measured from here on: module loading, JIT and SQLite's first page reads are start-up cost. */
const WARMUP_MS = 1_000;
/** The fleet is driven by a timer of this period, sending the nodes whose phase falls in each tick. */
const FLEET_TICK_MS = 10;
const EPOCH = '77';
const BOOT_ID = '5d1e2f30-4a5b-4c6d-8e7f-901a2b3c4d5e';

interface Result {
  readonly scenario: string;
  readonly batchRows: number | 'default';
  readonly reports: number;
  readonly seconds: number;
  readonly reportsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly transactions: number;
  readonly rowsPerTransaction: number;
  readonly eventLoopMaxStallMs: number;
  /** Main-thread (event loop) busy time per committed report: what ingest leaves for gRPC and HTTP. */
  readonly loopMicrosecondsPerReport: number;
  readonly cpuCores: number;
  readonly rssBytes: number;
}

function usage(message: string): never {
  process.stderr.write(
    `bench: ${message}\nusage: node dist/bench/store-throughput.js [--seconds N] [--streams N] [--batch-rows 1,100,1000] [--fleet-nodes N] [--interval 10s] [--fleet-seconds N] [--samples-bytes N] [--dir DIR] [--json FILE]\n`,
  );
  process.exit(2);
}

function positiveInteger(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) usage(`${flag} must be a whole number of at least 1`);
  return value;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** Latencies of the measured window (grows as needed; a typed array keeps 10^6 samples cheap). */
class Latencies {
  private values = new Float64Array(1 << 16);
  private count = 0;
  add(ms: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count] = ms;
    this.count += 1;
  }
  get size(): number {
    return this.count;
  }
  summary(): Result['latencyMs'] {
    const sorted = this.values.slice(0, this.count).sort();
    return {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? 0,
    };
  }
}

function makeReport(sequence: number, samplesJson: string): IncomingReport {
  return {
    sequence: String(sequence),
    sampledAtMs: Date.now(),
    bootId: BOOT_ID,
    findings: [],
    signals: [
      { signal: 'cpu', state: 'SIGNAL_STATE_OK', reason: '' },
      { signal: 'memory', state: 'SIGNAL_STATE_OK', reason: '' },
      { signal: 'kubelet', state: 'SIGNAL_STATE_ABSENT', reason: 'no kubelet on this host' },
    ],
    vitals: {
      cpuBusyRatio: Math.random(),
      memoryAvailableBytes: 2 ** 32,
      memoryTotalBytes: 2 ** 34,
      diskUsedRatio: 0.41,
      dnsP95Seconds: 0.004,
    },
    samplesJson,
    sampleDurationSeconds: 0.004,
  };
}

/** What is measured around a scenario: flushes, event-loop stalls, CPU. */
class Window {
  readonly flushes: FlushInfo[] = [];
  private readonly loop = monitorEventLoopDelay({ resolution: 1 });
  private cpuStart = process.cpuUsage();
  private wallStart = performance.now();
  private utilizationStart = performance.eventLoopUtilization();
  measuring = false;

  readonly onFlush = (info: FlushInfo): void => {
    if (this.measuring) this.flushes.push(info);
  };

  start(): void {
    this.measuring = true;
    this.loop.enable();
    this.cpuStart = process.cpuUsage();
    this.wallStart = performance.now();
    this.utilizationStart = performance.eventLoopUtilization();
  }

  stop(): { seconds: number; cpuCores: number; eventLoopMaxStallMs: number; loopActiveMs: number } {
    this.measuring = false;
    this.loop.disable();
    const seconds = (performance.now() - this.wallStart) / 1_000;
    const cpu = process.cpuUsage(this.cpuStart);
    return {
      seconds,
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      eventLoopMaxStallMs: this.loop.max / 1e6,
      loopActiveMs: performance.eventLoopUtilization(this.utilizationStart).active,
    };
  }
}

function result(
  scenario: string,
  batchRows: Result['batchRows'],
  latencies: Latencies,
  window: Window,
  measured: ReturnType<Window['stop']>,
): Result {
  const rows = window.flushes.reduce((sum, flush) => sum + flush.rows, 0);
  return {
    scenario,
    batchRows,
    reports: latencies.size,
    seconds: measured.seconds,
    reportsPerSecond: latencies.size / measured.seconds,
    latencyMs: latencies.summary(),
    transactions: window.flushes.length,
    rowsPerTransaction: rows / Math.max(1, window.flushes.length),
    eventLoopMaxStallMs: measured.eventLoopMaxStallMs,
    loopMicrosecondsPerReport: (measured.loopActiveMs * 1_000) / Math.max(1, latencies.size),
    cpuCores: measured.cpuCores,
    rssBytes: process.memoryUsage().rss,
  };
}

async function helloAll(store: SqliteStore, nodes: readonly string[]): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      store.hello(
        {
          node,
          epoch: EPOCH,
          bootId: BOOT_ID,
          agentVersion: 'bench',
          kernel: '6.1.0',
          os: 'Debian GNU/Linux 12 (bookworm)',
          capabilities: ['cpu', 'memory', 'kubelet'],
          intervalMs: 10_000,
        },
        Date.now(),
      ),
    ),
  );
}

async function maxRate(
  dir: string,
  batchRows: number,
  streams: number,
  seconds: number,
  samplesJson: string,
  keep: boolean,
): Promise<{ result: Result; store?: SqliteStore }> {
  const window = new Window();
  const store = SqliteStore.open(mkdtempSync(join(dir, 'nodedoc-store-bench-')), {
    maxBatchRows: batchRows,
    onFlush: window.onFlush,
  });
  const nodes = Array.from({ length: streams }, (_, index) => `bench-node-${index}`);
  await helloAll(store, nodes);
  const latencies = new Latencies();
  const startedAt = performance.now();
  const endAt = startedAt + WARMUP_MS + seconds * 1_000;
  setTimeout(() => window.start(), WARMUP_MS);
  await Promise.all(
    nodes.map(async (node) => {
      for (let sequence = 1; performance.now() < endAt; sequence += 1) {
        const sent = performance.now();
        await store.ingest(node, EPOCH, [makeReport(sequence, samplesJson)], Date.now());
        if (window.measuring) latencies.add(performance.now() - sent);
      }
    }),
  );
  const measured = window.stop();
  const outcome = result('max rate', batchRows, latencies, window, measured);
  if (keep) return { result: outcome, store };
  await store.close();
  return { result: outcome };
}

async function fleet(
  dir: string,
  nodesCount: number,
  intervalMs: number,
  seconds: number,
  samplesJson: string,
): Promise<{ result: Result; reads: Record<string, number> }> {
  const window = new Window();
  const store = SqliteStore.open(mkdtempSync(join(dir, 'nodedoc-store-bench-')), { onFlush: window.onFlush });
  const nodes = Array.from({ length: nodesCount }, (_, index) => `fleet-node-${index}`);
  await helloAll(store, nodes);
  const sequences = new Array<number>(nodesCount).fill(0);
  const latencies = new Latencies();
  const pending = new Set<Promise<void>>();
  const perTick = (nodesCount * FLEET_TICK_MS) / intervalMs;
  const started = performance.now();
  const endAt = started + WARMUP_MS + seconds * 1_000;
  setTimeout(() => window.start(), WARMUP_MS);
  let sent = 0;
  for (let tick = 0; performance.now() < endAt; tick += 1) {
    // Node i reports at phase i/nodes of the interval: the ticks since the start say how many are due.
    const due = Math.floor((tick + 1) * perTick);
    for (; sent < due; sent += 1) {
      const index = sent % nodesCount;
      const node = nodes[index] as string;
      sequences[index] = (sequences[index] ?? 0) + 1;
      const at = performance.now();
      const measuring = window.measuring;
      const write = store
        .ingest(node, EPOCH, [makeReport(sequences[index] ?? 1, samplesJson)], Date.now())
        .then(() => {
          if (measuring) latencies.add(performance.now() - at);
        })
        .finally(() => pending.delete(write));
      pending.add(write);
    }
    await sleep(Math.max(0, started + (tick + 1) * FLEET_TICK_MS - performance.now()));
  }
  await Promise.all(pending);
  const measured = window.stop();
  const reads = await timeReads(store, nodes[0] as string);
  await store.close();
  return {
    result: result(`fleet ${nodesCount}/${intervalMs / 1_000}s`, 'default', latencies, window, measured),
    reads,
  };
}

/** Milliseconds each read query took, at the fleet run's size. */
async function timeReads(store: SqliteStore, node: string): Promise<Record<string, number>> {
  const timed = async (query: () => Promise<unknown>) => {
    const started = performance.now();
    await query();
    return performance.now() - started;
  };
  const now = Date.now();
  return {
    listNodesMs: await timed(() => store.listNodes()),
    getNodeMs: await timed(() => store.getNode(node)),
    timelineHourMs: await timed(() => store.timeline(node, now - 3_600_000, now, 360)),
  };
}

async function prune(store: SqliteStore): Promise<Record<string, number>> {
  const nodes = await store.listNodes();
  const received = nodes.flatMap((node) => (node.latest ? [node.latest.receivedAtMs] : []));
  const newest = Math.max(...received);
  const first = nodes[0];
  const oldest = first
    ? ((await store.timeline(first.node, 0, Number.MAX_SAFE_INTEGER, 1))[0]?.receivedAtMs ?? 0)
    : 0;
  const cutOff = oldest + (newest - oldest) / 2;
  const window = new Window();
  window.start();
  const deleted = await store.prune(cutOff);
  const measured = window.stop();
  await store.close();
  return {
    rowsDeleted: deleted,
    seconds: measured.seconds,
    rowsPerSecond: deleted / measured.seconds,
    eventLoopMaxStallMs: measured.eventLoopMaxStallMs,
  };
}

function table(results: readonly Result[]): string {
  const header = [
    'scenario'.padEnd(18),
    'batch'.padStart(7),
    'reports/s'.padStart(10),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'max ms'.padStart(8),
    'txns'.padStart(7),
    'rows/txn'.padStart(9),
    'loop stall'.padStart(11),
    'loop/report'.padStart(12),
    'cpu'.padStart(6),
    'rss'.padStart(10),
  ].join(' ');
  const rows = results.map((r) =>
    [
      r.scenario.padEnd(18),
      String(r.batchRows).padStart(7),
      r.reportsPerSecond.toFixed(0).padStart(10),
      r.latencyMs.p50.toFixed(2).padStart(8),
      r.latencyMs.p99.toFixed(2).padStart(8),
      r.latencyMs.max.toFixed(1).padStart(8),
      String(r.transactions).padStart(7),
      r.rowsPerTransaction.toFixed(1).padStart(9),
      `${r.eventLoopMaxStallMs.toFixed(1)}ms`.padStart(11),
      `${r.loopMicrosecondsPerReport.toFixed(1)}µs`.padStart(12),
      r.cpuCores.toFixed(2).padStart(6),
      formatBytes(r.rssBytes).padStart(10),
    ].join(' '),
  );
  return [header, ...rows].join('\n');
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        seconds: { type: 'string' },
        streams: { type: 'string' },
        'batch-rows': { type: 'string' },
        'fleet-nodes': { type: 'string' },
        interval: { type: 'string' },
        'fleet-seconds': { type: 'string' },
        'samples-bytes': { type: 'string' },
        dir: { type: 'string' },
        json: { type: 'string' },
      },
    }));
  } catch (error) {
    usage(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  }
  const seconds = positiveInteger(values.seconds, DEFAULTS.seconds, '--seconds');
  const streams = positiveInteger(values.streams, DEFAULTS.streams, '--streams');
  const batchRows =
    values['batch-rows'] === undefined
      ? DEFAULTS.batchRows
      : values['batch-rows'].split(',').map((text) => positiveInteger(text, 1, '--batch-rows'));
  const fleetNodes = positiveInteger(values['fleet-nodes'], DEFAULTS.fleetNodes, '--fleet-nodes');
  const intervalMs = values.interval === undefined ? DEFAULTS.intervalMs : parseDuration(values.interval);
  if (intervalMs === undefined || intervalMs < FLEET_TICK_MS)
    usage(`--interval must be at least ${FLEET_TICK_MS}ms`);
  const fleetSeconds = positiveInteger(values['fleet-seconds'], DEFAULTS.fleetSeconds, '--fleet-seconds');
  const samplesBytes = positiveInteger(values['samples-bytes'], DEFAULTS.samplesBytes, '--samples-bytes');
  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'nodedoc-bench-'));
  const samplesJson = JSON.stringify({
    cpu: { busyRatio: 0.25 },
    padding: 'x'.repeat(Math.max(0, samplesBytes - 48)),
  });

  const results: Result[] = [];
  let pruned: Record<string, number> | undefined;
  let reads: Record<string, number> | undefined;
  try {
    const largest = Math.max(...batchRows);
    for (const rows of batchRows) {
      process.stderr.write(`max rate, ${streams} streams, batch ${rows} rows, ${seconds}s…\n`);
      const run = await maxRate(dir, rows, streams, seconds, samplesJson, rows === largest && !pruned);
      results.push(run.result);
      if (run.store) {
        process.stderr.write('prune, older half of that timeline…\n');
        pruned = await prune(run.store);
      }
    }
    process.stderr.write(`fleet, ${fleetNodes} nodes every ${intervalMs}ms, ${fleetSeconds}s…\n`);
    const fleetRun = await fleet(dir, fleetNodes, intervalMs, fleetSeconds, samplesJson);
    results.push(fleetRun.result);
    reads = fleetRun.reads;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const peak = readProcessUsage(process.pid).peakRssBytes;
  const lines = [
    table(results),
    '',
    pruned
      ? `prune: ${pruned.rowsDeleted} rows in ${pruned.seconds?.toFixed(2)}s (${pruned.rowsPerSecond?.toFixed(0)} rows/s), longest event-loop stall ${pruned.eventLoopMaxStallMs?.toFixed(1)}ms`
      : 'prune: not run',
    reads
      ? `reads at ${fleetNodes} nodes: listNodes ${reads.listNodesMs?.toFixed(1)}ms, getNode ${reads.getNodeMs?.toFixed(2)}ms, one-hour timeline ${reads.timelineHourMs?.toFixed(2)}ms`
      : 'reads: not run',
    `peak RSS of the whole bench: ${formatBytes(peak)}; samples JSON per report: ${samplesJson.length} bytes`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) {
    writeFileSync(
      values.json,
      `${JSON.stringify({ date: new Date().toISOString(), results, prune: pruned, reads, peakRssBytes: peak }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
