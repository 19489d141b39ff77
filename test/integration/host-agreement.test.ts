import type { StatsFs } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { agentOnce } from '../harness/agent-process.js';
import { bracketing, type Observation, pollDuring } from '../harness/poll-during.js';

/**
 * `nodedoc-agent --once --json` on this very host, compared with the kernel's own files read by the test
 * before, during and after the run. Fixed values must match exactly; moving ones (MemAvailable, free
 * space) must lie within what the kernel showed around the moment the agent sampled.
 */

const MIB = 2 ** 20;
const KIB = 1024;
/** Tight enough to bracket the agent's read closely; /proc/meminfo and statfs cost microseconds. */
const POLL_INTERVAL_MS = 5;
/**
 * MemAvailable is computed from global page counters to which each CPU folds its local deltas lazily
 * (vm.stat_interval, per-CPU thresholds of up to 125 pages per counter), so two reads at the same instant
 * can differ by a few MiB; plus allocations that come and go between two polls.
 */
const MEM_AVAILABLE_SLACK_BYTES = 8 * MIB;
/** Other processes (builds, logs) write to / between two polls; ext4's own statfs figures are exact. */
const DISK_AVAILABLE_SLACK_BYTES = 4 * MIB;

interface KernelView {
  readonly meminfo: string;
  readonly root: StatsFs;
}

async function readKernelView(): Promise<KernelView> {
  const [meminfo, root] = await Promise.all([readFile('/proc/meminfo', 'utf8'), statfs('/')]);
  return { meminfo, root };
}

function meminfoBytes(text: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!match) throw new Error(`/proc/meminfo has no ${key}`);
  return Number(match[1]) * KIB;
}

async function readInteger(path: string): Promise<number> {
  return Number((await readFile(path, 'utf8')).trim());
}

function range(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

describe('the agent agrees with the kernel on this host', () => {
  let report: AgentReport;
  let observations: Observation<KernelView>[];
  /** The kernel's views from just before to just after the agent's reporting cycle. */
  let aroundCycle: Observation<KernelView>[];

  beforeAll(async () => {
    const run = await pollDuring(
      readKernelView,
      () => agentOnce(['--disk-path', '/=rootfs']),
      POLL_INTERVAL_MS,
    );
    report = run.result;
    observations = run.readings;
    // report.time is when the reported (second) cycle started, truncated to the millisecond.
    const from = Date.parse(report.time);
    const to = from + Math.ceil(report.sampleDurationSeconds * 1000) + 1;
    aroundCycle = bracketing(observations, from, to);
  });

  it('reports MemTotal exactly and MemAvailable within what the kernel showed around the cycle', () => {
    const memory = report.samples.memory;
    expect(memory.status).toBe('ok');
    if (memory.status !== 'ok') return;
    const first = observations[0] as Observation<KernelView>;
    expect(memory.totalBytes).toBe(meminfoBytes(first.value.meminfo, 'MemTotal'));
    const { min, max } = range(aroundCycle.map(({ value }) => meminfoBytes(value.meminfo, 'MemAvailable')));
    expect(memory.availableBytes).toBeGreaterThanOrEqual(min - MEM_AVAILABLE_SLACK_BYTES);
    expect(memory.availableBytes).toBeLessThanOrEqual(max + MEM_AVAILABLE_SLACK_BYTES);
    expect(memory.availableRatio).toBeCloseTo(memory.availableBytes / memory.totalBytes, 12);
  });

  it('reports pid_max and threads-max exactly', async () => {
    const processes = report.samples.processes;
    expect(processes.status).toBe('ok');
    if (processes.status !== 'ok') return;
    expect(processes.pidMax).toBe(await readInteger('/proc/sys/kernel/pid_max'));
    expect(processes.threadsMax).toBe(await readInteger('/proc/sys/kernel/threads-max'));
  });

  it('reports the boot id exactly', async () => {
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    expect(report.bootId).toBe(bootId);
    expect(report.samples.identity.status === 'ok' && report.samples.identity.bootId).toBe(bootId);
  });

  it('counts as many cores as /proc/stat has cpuN lines', async () => {
    const stat = await readFile('/proc/stat', 'utf8');
    const cpus = stat.split('\n').filter((line) => /^cpu\d+ /.test(line)).length;
    expect(cpus).toBeGreaterThan(0);
    expect(report.samples.cpu.status === 'ok' && report.samples.cpu.cores).toBe(cpus);
  });

  it('reports statvfs of / exactly for size and inodes, and free space within the change around the cycle', () => {
    const disk = report.samples.disk;
    expect(disk.status).toBe('ok');
    if (disk.status !== 'ok') return;
    expect(disk.filesystems).toHaveLength(1);
    const root = disk.filesystems[0];
    expect(root?.status).toBe('ok');
    if (root?.status !== 'ok') return;
    expect(root.path).toBe('/');
    expect(root.role).toBe('rootfs');
    const sizes = new Set(observations.map(({ value }) => value.root.blocks * value.root.bsize));
    expect(sizes.size).toBe(1);
    expect(root.sizeBytes).toBe([...sizes][0]);
    const inodes = new Set(observations.map(({ value }) => value.root.files));
    expect(root.inodes).toBe([...inodes][0]);
    const { min, max } = range(aroundCycle.map(({ value }) => value.root.bavail * value.root.bsize));
    expect(root.availableBytes).toBeGreaterThanOrEqual(min - DISK_AVAILABLE_SLACK_BYTES);
    expect(root.availableBytes).toBeLessThanOrEqual(max + DISK_AVAILABLE_SLACK_BYTES);
    expect(root.mountPoint).toBe('/');
    expect(root.readOnly).toBe(false);
  });
});
