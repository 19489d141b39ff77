/**
 * The classifier on the ingest hot path: what board.observe() costs per report at fleet size, and what a
 * fleet verdict flip costs (it re-judges every node carrying the cause).
 *
 * Method, in this one process: --nodes nodes say hello, then report in rounds (every node once per round,
 * as at one interval), each report carrying the findings a busy fleet shows — most nodes none, some a
 * memory or disk warning, a few a critical kubelet or runtime finding — for --rounds rounds; each observe()
 * is timed with performance.now(). Then DNS latency is added node by node until the fleet verdict flips
 * (at --fleet-share of the nodes) and the observe() that flipped it is timed on its own.
 *
 * Usage: npm run build && node dist/bench/diagnosis-board.js [--nodes 15000] [--rounds 10]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DiagnosisBoard } from '../collector/diagnosis/diagnosis-board.js';
import type { IncomingReport } from '../collector/store/node-store.js';
import type { Finding__Output } from '../proto/gen/nodedoc/v1/Finding.js';

const INTERVAL_MS = 10_000;

const MEMORY: Finding__Output = {
  check: 'CHECK_ID_MEMORY_PSI',
  cause: 'CAUSE_ID_MEMORY_PRESSURE',
  severity: 'SEVERITY_WARNING',
  summary: 'Tasks stalled on memory 12.0% of the last 10 s (PSI full, threshold 10.0%).',
  value: 0.12,
  threshold: 0.1,
  subject: '',
  detailsJson: '',
};
const DISK: Finding__Output = {
  check: 'CHECK_ID_DISK_SPACE',
  cause: 'CAUSE_ID_DISK_PRESSURE',
  severity: 'SEVERITY_WARNING',
  summary: '/var/lib/kubelet is 87% full.',
  value: 0.87,
  threshold: 0.85,
  subject: '/var/lib/kubelet',
  detailsJson: '',
};
const KUBELET: Finding__Output = {
  check: 'CHECK_ID_KUBELET_HEALTH',
  cause: 'CAUSE_ID_KUBELET_DOWN',
  severity: 'SEVERITY_CRITICAL',
  summary: 'kubelet /healthz failed 2 times in a row.',
  subject: '',
  detailsJson: '',
};
const RUNTIME: Finding__Output = {
  check: 'CHECK_ID_RUNTIME_STATUS',
  cause: 'CAUSE_ID_CONTAINER_RUNTIME_DOWN',
  severity: 'SEVERITY_CRITICAL',
  summary: 'CRI RuntimeService/Status failed.',
  subject: '',
  detailsJson: '',
};
const DNS: Finding__Output = {
  check: 'CHECK_ID_DNS_LATENCY',
  cause: 'CAUSE_ID_DNS_LATENCY',
  severity: 'SEVERITY_WARNING',
  summary: 'DNS p95 to 10.96.0.10:53 is 310 ms (threshold 250 ms).',
  value: 0.31,
  threshold: 0.25,
  subject: '10.96.0.10:53',
  detailsJson: '',
};

/** 90% of nodes clean, 5% memory, 3% disk, 2% kubelet and runtime down. */
function findingsOf(index: number): Finding__Output[] {
  const slot = index % 100;
  if (slot < 90) return [];
  if (slot < 95) return [MEMORY];
  if (slot < 98) return [DISK];
  return [KUBELET, RUNTIME];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '15000' }, rounds: { type: 'string', default: '10' } },
});
const nodes = Number(values.nodes);
const rounds = Number(values.rounds);
let now = 1_800_000_000_000;
const board = new DiagnosisBoard({ now: () => now });
let announcements = 0;
board.subscribe(() => announcements++);
const names = Array.from({ length: nodes }, (_, index) => `node-${index}`);
for (const node of names) {
  board.hello({
    node,
    epoch: '1',
    bootId: '',
    agentVersion: 'bench',
    kernel: '',
    os: '',
    capabilities: [],
    intervalMs: INTERVAL_MS,
  });
}
const sequences = new Array<number>(nodes).fill(0);
const report = (index: number, findings: Finding__Output[]): IncomingReport => {
  const sequence = (sequences[index] ?? 0) + 1;
  sequences[index] = sequence;
  return {
    sequence: String(sequence),
    sampledAtMs: now,
    bootId: '',
    findings,
    signals: [],
    vitals: null,
    samplesJson: '',
    sampleDurationSeconds: 0,
  };
};

const timings: number[] = [];
const started = performance.now();
for (let round = 0; round < rounds; round++) {
  for (let index = 0; index < nodes; index++) {
    now += INTERVAL_MS / nodes;
    const batch = [report(index, findingsOf(index))];
    const t = performance.now();
    board.observe(names[index] as string, '1', batch, now);
    timings.push(performance.now() - t);
  }
}
const elapsed = performance.now() - started;
const first = timings[0] ?? 0;
timings.sort((a, b) => a - b);

// Fleet flip: DNS latency spreads node by node (twice each: a warning needs two reports).
let flipMs = 0;
let flipAnnouncements = 0;
for (let index = 0; index < nodes; index++) {
  now += 1;
  for (let twice = 0; twice < 2; twice++) {
    const before = announcements;
    const t = performance.now();
    board.observe(names[index] as string, '1', [report(index, [...findingsOf(index), DNS])], now);
    const took = performance.now() - t;
    if (board.entry(names[index] as string)?.diagnosis.causes.some((cause) => cause.scope === 'fleet')) {
      flipMs = took;
      flipAnnouncements = announcements - before;
    }
  }
  if (flipMs > 0) break;
}

const us = (ms: number) => `${(ms * 1_000).toFixed(1)} µs`;
console.log(
  `nodes ${nodes}, rounds ${rounds}: ${timings.length} observe() calls in ${elapsed.toFixed(0)} ms`,
);
console.log(
  `observe() p50 ${us(percentile(timings, 0.5))}, p99 ${us(percentile(timings, 0.99))}, max ${us(timings.at(-1) ?? 0)}`,
);
console.log(`first observe() (cold: JIT, lazy module state): ${us(first)}`);
console.log(`reports/s one core could classify: ${Math.round(timings.length / (elapsed / 1_000))}`);
console.log(
  `fleet flip (dns-latency turns fleet-wide): ${flipMs.toFixed(1)} ms, ${flipAnnouncements} nodes re-announced`,
);
console.log(`RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
