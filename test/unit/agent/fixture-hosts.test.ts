import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../agent/finding.js';
import type { AgentReport } from '../../../agent/report.js';
import type { SignalName } from '../../../agent/sample-types.js';
import { agentOnce } from '../../harness/agent-process.js';

/**
 * The built agent (`nodedoc-agent --once --json --host-root TREE`) on the fixture host trees of
 * test/fixtures/hosts (see the README there). Expected values are read from the tree's own files with
 * small independent extractions, so a test states "the agent reports what the file says".
 *
 * The disk signal statfs()es --disk-path on the real filesystem holding the repository, so only what
 * the tree controls is asserted for it (mount point and read-only flag from its mountinfo).
 */
const HOSTS = fileURLToPath(new URL('../../fixtures/hosts/', import.meta.url));
const tree = (name: string): string => join(HOSTS, name);
const DISK_PATH = '/var/lib/kubelet';
/** The smallest interval the agent accepts: the tree does not change between the two samples anyway. */
const BASE_ARGS = ['--disk-path', `${DISK_PATH}=nodefs`, '--interval', '100ms'];

/** One agent run: two samples 100 ms apart plus start-up; generous for a loaded CI machine. */
const RUN_TIMEOUT_MS = 30_000;

/** Checks whose every input comes from the tree (not the real disk, network or kernel log). */
const FIXTURE_CHECKS: ReadonlySet<Finding['check']> = new Set([
  'memory-available',
  'memory-psi',
  'cpu-psi',
  'io-psi',
  'disk-await',
  'pid-headroom',
  'fd-headroom',
  'readonly-filesystem',
  'boot-id',
]);

function runTree(root: string, extra: readonly string[] = []): Promise<AgentReport> {
  return agentOnce(['--host-root', root, ...BASE_ARGS, ...extra]);
}

/** Runs the agent on a tree once, before the tests of a describe block that share the report. */
function reportOf(root: string): () => AgentReport {
  let report: AgentReport | undefined;
  beforeAll(async () => {
    report = await runTree(root);
  }, RUN_TIMEOUT_MS);
  return () => {
    if (!report) throw new Error(`the agent did not run on ${root}`);
    return report;
  };
}

function fixtureFindings(report: AgentReport): Finding[] {
  return report.findings.filter((finding) => FIXTURE_CHECKS.has(finding.check));
}

/** What a tree's files say, extracted independently of the agent's parsers. */
class TreeFacts {
  constructor(private readonly root: string) {}

  private read(file: string): string {
    return readFileSync(join(this.root, file), 'utf8');
  }

  private integer(file: string): number {
    return Number(this.read(file).trim());
  }

  meminfoBytes(key: string): number {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(this.read('proc/meminfo'));
    if (!match) throw new Error(`no ${key} in the fixture`);
    return Number(match[1]) * 1024;
  }

  /** avg10 of a PSI line as a ratio. */
  pressureAvg10(resource: string, kind: 'some' | 'full'): number {
    const match = new RegExp(`^${kind} avg10=([\\d.]+) `, 'm').exec(this.read(`proc/pressure/${resource}`));
    if (!match) throw new Error(`no ${kind} line in pressure/${resource}`);
    return Number(match[1]) / 100;
  }

  loadavg(): { loads: number[]; threads: number } {
    const [l1, l5, l15, entities] = this.read('proc/loadavg').trim().split(' ');
    return { loads: [l1, l5, l15].map(Number), threads: Number(entities?.split('/')[1]) };
  }

  pidMax = (): number => this.integer('proc/sys/kernel/pid_max');
  threadsMax = (): number => this.integer('proc/sys/kernel/threads-max');

  fileNr(): { allocated: number; max: number } {
    const [allocated, , max] = this.read('proc/sys/fs/file-nr').trim().split(/\s+/).map(Number);
    return { allocated: allocated ?? Number.NaN, max: max ?? Number.NaN };
  }

  bootId = (): string => this.read('proc/sys/kernel/random/boot_id').trim();
  uptime = (): number => Number(this.read('proc/uptime').split(' ')[0]);
  cpuLines = (): number => this.read('proc/stat').match(/^cpu\d+ /gm)?.length ?? 0;
  oomKills = (): number => Number(/^oom_kill (\d+)$/m.exec(this.read('proc/vmstat'))?.[1]);
  blockDevices = (): string[] => readdirSync(join(this.root, 'sys/block')).sort();

  /** Options of the mount whose mount point is exactly `point`, last one if stacked. */
  mountOptions(point: string): string[] {
    const lines = this.read('proc/1/mountinfo').trim().split('\n');
    const line = lines.filter((entry) => entry.split(' ')[4] === point).at(-1);
    if (!line) throw new Error(`no mount at ${point} in the fixture`);
    return line.split(' ')[5]?.split(',') ?? [];
  }
}

describe('fixture host debian12-healthy (captured from the CI machine)', () => {
  const root = tree('debian12-healthy');
  const facts = new TreeFacts(root);
  const run = reportOf(root);

  it('has no critical or warning finding from the signals the tree controls', () => {
    expect(fixtureFindings(run()).filter((finding) => finding.severity !== 'info')).toEqual([]);
  });

  it('reports the memory figures of the captured meminfo, vmstat and PSI', () => {
    const { memory } = run().samples;
    expect(memory.status).toBe('ok');
    if (memory.status !== 'ok') return;
    expect(memory.availableBytes).toBe(facts.meminfoBytes('MemAvailable'));
    expect(memory.totalBytes).toBe(facts.meminfoBytes('MemTotal'));
    expect(memory.availableRatio).toBeCloseTo(
      facts.meminfoBytes('MemAvailable') / facts.meminfoBytes('MemTotal'),
      12,
    );
    expect(memory.oomKillsTotal).toBe(facts.oomKills());
    // The second sample read the same vmstat: no new kills.
    expect(memory.oomKillsDelta).toBe(0);
    expect(memory.pressure?.full?.avg10Ratio).toBeCloseTo(facts.pressureAvg10('memory', 'full'), 12);
  });

  it('reports thread and file-handle headroom from loadavg, pid_max, threads-max and file-nr', () => {
    const { processes } = run().samples;
    expect(processes.status).toBe('ok');
    if (processes.status !== 'ok') return;
    const { threads } = facts.loadavg();
    expect(processes.threads).toBe(threads);
    expect(processes.pidMax).toBe(facts.pidMax());
    expect(processes.threadsMax).toBe(facts.threadsMax());
    expect(processes.threadsRatio).toBeCloseTo(threads / Math.min(facts.pidMax(), facts.threadsMax()), 12);
    expect(processes.fileHandlesAllocated).toBe(facts.fileNr().allocated);
    expect(processes.fileHandlesMax).toBe(facts.fileNr().max);
  });

  it('reports cores and load from stat and loadavg, and no CPU shares for an unchanging stat', () => {
    const { cpu } = run().samples;
    expect(cpu.status).toBe('ok');
    if (cpu.status !== 'ok') return;
    expect(cpu.cores).toBe(facts.cpuLines());
    expect([cpu.load1, cpu.load5, cpu.load15]).toEqual(facts.loadavg().loads);
    expect(cpu.busyRatio).toBeNull();
    expect(cpu.pressure?.some.avg10Ratio).toBeCloseTo(facts.pressureAvg10('cpu', 'some'), 12);
    // The tree's PSI total does not move between the two samples: no stall over the interval.
    expect(cpu.pressure?.some.intervalRatio).toBe(0);
    expect(cpu.pressure?.intervalSeconds).toBeGreaterThan(0);
  });

  it('reports only the whole, non-virtual disks of sys/block, idle between two identical diskstats', () => {
    const { io } = run().samples;
    expect(io.status).toBe('ok');
    if (io.status !== 'ok') return;
    const real = facts.blockDevices().filter((name) => !/^(loop|zram)\d+$/.test(name));
    expect(real.length).toBeGreaterThan(0);
    expect(io.devices).toEqual(
      real.map((device) => ({
        device,
        awaitSeconds: null,
        utilizationRatio: 0,
        readsPerSecond: 0,
        writesPerSecond: 0,
      })),
    );
    expect(io.pressure?.full?.avg10Ratio).toBeCloseTo(facts.pressureAvg10('io', 'full'), 12);
  });

  it('reports the boot id and uptime of the tree', () => {
    expect(run().bootId).toBe(facts.bootId());
    expect(run().samples.identity).toEqual({
      status: 'ok',
      bootId: facts.bootId(),
      uptimeSeconds: facts.uptime(),
      previousBootId: null,
      bootIdChanged: false,
    });
  });

  it("takes the disk path's mount point and read-only flag from the tree's mountinfo", () => {
    const { disk } = run().samples;
    expect(disk.status).toBe('ok');
    if (disk.status !== 'ok') return;
    expect(disk.filesystems).toHaveLength(1);
    expect(disk.filesystems[0]).toMatchObject({
      status: 'ok',
      path: DISK_PATH,
      role: 'nodefs',
      mountPoint: '/',
      readOnly: facts.mountOptions('/').includes('ro'),
    });
  });
});

describe('fixture host pid-exhaustion (thread count near pid_max)', () => {
  const root = tree('pid-exhaustion');
  const facts = new TreeFacts(root);
  const ratio = facts.loadavg().threads / Math.min(facts.pidMax(), facts.threadsMax());
  const pidFindings = (report: AgentReport) =>
    report.findings.filter((finding) => finding.check === 'pid-headroom');

  it('is critical pid-exhaustion with value threads / limit from the tree', async () => {
    const report = await runTree(root);
    expect(ratio).toBeGreaterThanOrEqual(0.9);
    expect(pidFindings(report)).toEqual([
      expect.objectContaining({ cause: 'pid-exhaustion', severity: 'critical', threshold: 0.9 }),
    ]);
    expect(pidFindings(report)[0]?.value).toBeCloseTo(ratio, 12);
    // Nothing else the tree controls is wrong.
    expect(fixtureFindings(report).map((finding) => finding.check)).toEqual(['pid-headroom']);
  });

  it('is critical with the critical threshold set exactly at the ratio, a warning just above it', async () => {
    const at = await runTree(root, ['--threshold', `pids-critical-ratio=${ratio}`]);
    expect(pidFindings(at)).toEqual([expect.objectContaining({ severity: 'critical', threshold: ratio })]);
    const above = await runTree(root, ['--threshold', `pids-critical-ratio=${ratio + 1e-6}`]);
    expect(pidFindings(above)).toEqual([expect.objectContaining({ severity: 'warning', threshold: 0.7 })]);
  });

  it('is silent with the warning threshold just above the ratio', async () => {
    const report = await runTree(root, [
      '--threshold',
      `pids-warning-ratio=${ratio + 1e-6}`,
      '--threshold',
      'pids-critical-ratio=1',
    ]);
    expect(pidFindings(report)).toEqual([]);
  });
});

describe('fixture host memory-pressure (MemAvailable 80 MiB, PSI memory full 23.5%)', () => {
  const root = tree('memory-pressure');
  const facts = new TreeFacts(root);
  const run = reportOf(root);

  it('is critical memory-pressure with the tree MemAvailable as value', () => {
    const available = facts.meminfoBytes('MemAvailable');
    expect(available).toBeLessThan(100 * 2 ** 20);
    expect(run().findings.filter((finding) => finding.check === 'memory-available')).toEqual([
      expect.objectContaining({
        cause: 'memory-pressure',
        severity: 'critical',
        value: available,
        threshold: 100 * 2 ** 20,
      }),
    ]);
  });

  it('warns memory-pressure with the tree PSI full avg10 as value', () => {
    const psi = run().findings.filter((finding) => finding.check === 'memory-psi');
    expect(psi).toEqual([
      expect.objectContaining({ cause: 'memory-pressure', severity: 'warning', threshold: 0.1 }),
    ]);
    expect(psi[0]?.value).toBeCloseTo(facts.pressureAvg10('memory', 'full'), 12);
    // A static tree stalls for none of the interval between the two samples (100 ms plus the cycle's own
    // time): the average is what tripped it.
    expect(psi[0]?.summary).toMatch(
      /^All non-idle tasks were stalled on memory 23\.5% of the last 10 s on average \(PSI memory full avg10; the last \d+(\.\d)? s interval 0\.0%, threshold 10\.0%\)/,
    );
  });

  it('has no other finding from the tree', () => {
    expect(fixtureFindings(run()).map((finding) => finding.check)).toEqual([
      'memory-available',
      'memory-psi',
    ]);
  });
});

describe('fixture host fd-exhaustion (file handles near file-max)', () => {
  const root = tree('fd-exhaustion');
  const facts = new TreeFacts(root);
  const run = reportOf(root);

  it('is critical pid-exhaustion from fd-headroom with value allocated / file-max from the tree', () => {
    const { allocated, max } = facts.fileNr();
    const fd = run().findings.filter((finding) => finding.check === 'fd-headroom');
    expect(fd).toEqual([
      expect.objectContaining({ cause: 'pid-exhaustion', severity: 'critical', threshold: 0.9 }),
    ]);
    expect(fd[0]?.value).toBeCloseTo(allocated / max, 12);
    expect(fixtureFindings(run()).map((finding) => finding.check)).toEqual(['fd-headroom']);
  });
});

/**
 * The damaged files of the malformed tree, which signals read them, and the reason each must give
 * (test/fixtures/hosts/malformed/README.md). The conntrack files are damaged too, but belong to the
 * conntrack reader's own tests.
 */
const DAMAGE: readonly { file: string; signals: readonly SignalName[]; reason: string }[] = [
  { file: 'proc/stat', signals: ['cpu'], reason: 'no usable aggregate "cpu" line' },
  { file: 'proc/loadavg', signals: ['cpu', 'processes'], reason: 'expected "L1 L5 L15 R/T LASTPID"' },
  { file: 'proc/meminfo', signals: ['memory'], reason: 'no MemAvailable' },
  { file: 'proc/pressure/cpu', signals: ['cpu'], reason: 'no "some" line' },
  { file: 'proc/pressure/memory', signals: ['memory'], reason: 'an average above 100%' },
  { file: 'proc/pressure/io', signals: ['io'], reason: 'no "some" line' },
  { file: 'proc/diskstats', signals: ['io'], reason: 'no well-formed line' },
  { file: 'proc/uptime', signals: ['identity'], reason: 'expected "UPTIME IDLE"' },
  { file: 'proc/sys/kernel/pid_max', signals: ['processes'], reason: 'expected one integer, got "0x8000"' },
  { file: 'proc/sys/kernel/threads-max', signals: ['processes'], reason: 'expected one integer, got ""' },
  { file: 'proc/sys/kernel/random/boot_id', signals: ['identity'], reason: 'not a UUID' },
  { file: 'proc/sys/fs/file-nr', signals: ['processes'], reason: 'expected "ALLOCATED UNUSED MAX"' },
];
const FILE_SIGNALS: readonly SignalName[] = ['cpu', 'memory', 'io', 'processes', 'identity'];

describe('fixture host malformed (every file damaged)', () => {
  const root = tree('malformed');
  const run = reportOf(root);

  it.each(FILE_SIGNALS)('%s reads unavailable with the reason of one of its damaged files', (signal) => {
    const reading = run().samples[signal];
    expect(reading.status).toBe('unavailable');
    const reason = reading.status === 'unavailable' ? reading.reason : '';
    const possible = DAMAGE.filter((damage) => damage.signals.includes(signal)).map(
      (damage) => `${join(root, damage.file)}: ${damage.reason}`,
    );
    expect(possible).toContain(reason);
  });

  it('still reports the disk, without mount flags (mountinfo is only a refinement)', () => {
    const { disk } = run().samples;
    expect(disk.status).toBe('ok');
    if (disk.status !== 'ok') return;
    expect(disk.filesystems[0]).toMatchObject({ status: 'ok', mountPoint: null, readOnly: null });
  });

  it('prints a document with no boot id and no finding from the damaged signals', () => {
    expect(run().bootId).toBeNull();
    expect(fixtureFindings(run())).toEqual([]);
  });
});

describe('each damaged file alone, in an otherwise healthy tree', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'nodedoc-fixture-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A copy of the healthy capture with one file taken from the malformed tree. */
  function overlay(file: string): string {
    const root = join(scratch, file.replaceAll('/', '_'));
    cpSync(tree('debian12-healthy'), root, { recursive: true });
    copyFileSync(join(tree('malformed'), file), join(root, file));
    return root;
  }

  it.each(DAMAGE)('$file makes exactly $signals unavailable: $reason', async ({ file, signals, reason }) => {
    const root = overlay(file);
    const report = await runTree(root);
    for (const signal of FILE_SIGNALS) {
      const expected = signals.includes(signal)
        ? { status: 'unavailable', reason: `${join(root, file)}: ${reason}` }
        : { status: 'ok' };
      expect(report.samples[signal], signal).toMatchObject(expected);
    }
  });

  it('proc/vmstat only loses the OOM kill counter; memory figures stay ok', async () => {
    const report = await runTree(overlay('proc/vmstat'));
    const { memory } = report.samples;
    expect(memory).toMatchObject({ status: 'ok', oomKillsTotal: null, oomKillsDelta: null });
    for (const signal of FILE_SIGNALS) expect(report.samples[signal].status, signal).toBe('ok');
  });

  it('proc/1/mountinfo leaves mount point and read-only flag unknown, the space figures intact', async () => {
    const report = await runTree(overlay('proc/1/mountinfo'));
    const { disk } = report.samples;
    expect(disk.status).toBe('ok');
    if (disk.status !== 'ok') return;
    expect(disk.filesystems[0]).toMatchObject({ status: 'ok', mountPoint: null, readOnly: null });
    for (const signal of FILE_SIGNALS) expect(report.samples[signal].status, signal).toBe('ok');
  });
});

describe('scripts/capture-host.sh on this machine', () => {
  const SCRIPT = fileURLToPath(new URL('../../../scripts/capture-host.sh', import.meta.url));
  const scratch = mkdtempSync(join(tmpdir(), 'nodedoc-capture-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('captures a tree the agent samples like the host: every file signal ok, the host boot id', async () => {
    const root = join(scratch, 'host');
    execFileSync('bash', [SCRIPT, root], { stdio: 'ignore' });
    expect(readFileSync(join(root, 'CAPTURED.md'), 'utf8')).toMatch(/- kernel: Linux .*\n- date: \d{4}-/);
    const report = await runTree(root);
    for (const signal of FILE_SIGNALS) expect(report.samples[signal].status, signal).toBe('ok');
    expect(report.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    // /sys/block entries are empty directories (plus .gitkeep), named like the host's.
    expect(readdirSync(join(root, 'sys/block')).sort()).toEqual(readdirSync('/sys/block').sort());
  });

  it('refuses to write into a directory that is not empty', () => {
    const occupied = join(scratch, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'keep-me'), 'earlier capture\n');
    const result = spawnSync('bash', [SCRIPT, occupied], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('exists and is not empty; refusing to mix captures');
    expect(readdirSync(occupied)).toEqual(['keep-me']);
  });
});
