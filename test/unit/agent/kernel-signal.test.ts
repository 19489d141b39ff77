import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelChecks } from '../../../agent/checks/kernel.js';
import { HostPaths } from '../../../agent/host/host-paths.js';
import { SignalError } from '../../../agent/host/read-text.js';
import { sampleOnce } from '../../../agent/modes/once.js';
import type { Ok } from '../../../agent/reading.js';
import type { KernelSample } from '../../../agent/sample-types.js';
import { Sampler } from '../../../agent/sampler.js';
import { createKernelSignal } from '../../../agent/signals/kernel.js';
import { configFrom, contextFor, samplesWith } from '../../harness/samples.js';
import { requires } from '../../harness/system-requirements.js';
import { copyHostTree, KMSG_FIXTURES } from './kernel-test-support.js';

/**
 * The kernel signal end to end on fixture host trees (--host-root, dev/kmsg a regular file), on
 * writable copies of them for what happens between cycles, and on this machine's real /dev/kmsg.
 */

const hosts = (name: string) => join(KMSG_FIXTURES, 'hosts', name);
const POD = '5931aa75-4603-4e65-b552-7c71cf55cfb5';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function writableTree(name: string): string {
  const tree = copyHostTree(name);
  cleanups.push(tree.remove);
  return tree.root;
}

async function sampleOk(signal: ReturnType<typeof createKernelSignal>): Promise<Ok<KernelSample>> {
  const reading = await signal.sample();
  if (reading.status !== 'ok') throw new Error(`kernel signal ${reading.status}: ${reading.reason}`);
  return reading;
}

describe('fixture host trees', () => {
  it('a cgroup v2 pod OOM kill becomes one held event naming the pod, and an oom-kill finding', async () => {
    const signal = createKernelSignal(contextFor(hosts('cgroup-v2-oom')));
    const before = Date.now();
    const first = await sampleOk(signal);
    expect(first).toMatchObject({ source: 'file', recordsRead: 8, recordsMissed: 0, eventsDropped: 0 });
    expect(first.matchedTotal).toEqual({
      'oom-kill': 1,
      'hung-task': 0,
      'soft-lockup': 0,
      'readonly-remount': 0,
      'conntrack-full': 0,
    });
    expect(first.events).toHaveLength(1);
    const [kill] = first.events;
    expect(kill).toMatchObject({ kind: 'oom-kill', seq: 1007, records: 2, fresh: true });
    expect(kill?.fields).toMatchObject({ pid: 183960, process: 'stress-ng-vm', podUid: POD });
    // uptime 8560.50 s, "Killed process" at 8523.347333 s: 37.15 s before the sample.
    const ageSeconds = (before - Date.parse(kill?.lastTime ?? '')) / 1000;
    expect(ageSeconds).toBeGreaterThan(37.1);
    expect(ageSeconds).toBeLessThan(37.2 + (Date.now() - before) / 1000);

    const findings = kernelChecks(samplesWith({ kernel: first }), configFrom([]).thresholds);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'oom-kill',
      cause: 'oom-kill',
      severity: 'warning',
      value: 1,
      threshold: null,
      subject: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD.replaceAll('-', '_')}.slice/cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope`,
    });
    expect(findings[0]?.summary).toContain(
      'OOM killer killed pid 183960 (stress-ng-vm) in cgroup /kubepods.slice/',
    );
    expect(findings[0]?.summary).toContain(`pod ${POD}, container 25a38b5b8d55`);
    expect(findings[0]?.summary).toContain('(memcg limit of /kubepods.slice/kubepods-burstable.slice/');

    // Next cycle: nothing new read, the kill is still held.
    const second = await sampleOk(signal);
    expect(second.recordsRead).toBe(0);
    expect(second.events.map((event) => [event.seq, event.fresh])).toEqual([[1007, false]]);
    expect(second.matchedTotal['oom-kill']).toBe(1);
  });

  it('the agent pipeline with --host-root (--once, two samples) reports the pod UID', async () => {
    const config = configFrom(['--once', '--host-root', hosts('cgroup-v2-oom'), '--interval', '100ms']);
    const report = await sampleOnce(config, new HostPaths(config.hostRoot), pino({ level: 'silent' }));
    expect(report.samples.kernel.status).toBe('ok');
    const oom = report.findings.filter((finding) => finding.check === 'oom-kill');
    expect(oom).toHaveLength(1);
    expect(oom[0]?.summary).toContain(`pod ${POD}`);
    expect(oom[0]?.details?.victims).toEqual([
      expect.objectContaining({ pid: 183960, process: 'stress-ng-vm', podUid: POD, reason: 'memcg-limit' }),
    ]);
  });

  it('a hung task reported twice is one critical kernel-hang finding', async () => {
    const reading = await sampleOk(createKernelSignal(contextFor(hosts('hung-task'))));
    expect(reading.recordsRead).toBe(78);
    const findings = kernelChecks(samplesWith({ kernel: reading }), configFrom([]).thresholds);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'kernel-hang',
        cause: 'kernel-hang',
        severity: 'critical',
        subject: 'hung-task',
        value: 4,
      }),
    ]);
    expect(findings[0]?.summary).toContain('1 hung task: sh (pid 12139) for more than 4 s');
  });

  it('ext4, btrfs and XFS going read-only are one critical finding per filesystem', async () => {
    const reading = await sampleOk(createKernelSignal(contextFor(hosts('readonly'))));
    const findings = kernelChecks(samplesWith({ kernel: reading }), configFrom([]).thresholds);
    expect(findings.map((finding) => [finding.check, finding.severity, finding.subject])).toEqual([
      ['readonly-filesystem', 'critical', 'loop0 (ext4)'],
      ['readonly-filesystem', 'critical', 'loop2 (btrfs)'],
      ['readonly-filesystem', 'critical', 'loop0 (xfs)'],
    ]);
    expect(findings[0]?.summary).toContain('remounted ext4 on loop0 read-only');
    expect(findings[1]?.summary).toContain('btrfs on loop2 was forced read-only');
    expect(findings[2]?.summary).toContain('XFS on loop0 shut down');
  });

  it('looks back only --event-hold at start', async () => {
    // uptime 1330 s; the two reports are at 1311.297 s (18.7 s ago) and 1313.314 s (16.7 s ago).
    const narrow = await sampleOk(
      createKernelSignal(contextFor(hosts('hung-task'), ['--event-hold', '17s'])),
    );
    expect(narrow.events).toHaveLength(1);
    expect(narrow.events[0]).toMatchObject({ records: 1, fields: { blockedSeconds: 4 } });
    const none = await sampleOk(createKernelSignal(contextFor(hosts('hung-task'), ['--event-hold', '10s'])));
    expect(none.events).toEqual([]);
    expect(none.matchedTotal['hung-task']).toBe(0);
  });
});

describe('between cycles (writable copies of the trees)', () => {
  it('reports records appended after the first read as fresh, and folds repeats', async () => {
    const root = writableTree('hung-task');
    writeFileSync(join(root, 'proc/uptime'), '1440.00 2551.37\n');
    const signal = createKernelSignal(contextFor(root));
    const first = await sampleOk(signal);
    expect(first.events.map((event) => event.kind)).toEqual(['hung-task']);

    // Two conntrack drops in the same namespace, 8 s and 7 s ago.
    appendFileSync(
      join(root, 'dev/kmsg'),
      '4,2377,1432665386,-;nf_conntrack: nf_conntrack: table full in netns 4026532177, dropping packet\n' +
        '4,2378,1432715026,-;nf_conntrack: nf_conntrack: table full in netns 4026532177, dropping packet\n',
    );
    const second = await sampleOk(signal);
    expect(second.recordsRead).toBe(2);
    expect(second.events.map((event) => [event.kind, event.fresh, event.records])).toEqual([
      ['hung-task', false, 2],
      ['conntrack-full', true, 2],
    ]);
    expect(second.events[1]?.fields).toEqual({ netns: 4026532177 });
    expect(second.matchedTotal['conntrack-full']).toBe(1);
  });

  it('ignores records userspace wrote into the log, however much they look like a kill', async () => {
    const root = writableTree('hung-task');
    writeFileSync(join(root, 'proc/uptime'), '1705.00 3000.00\n');
    cpSync(join(KMSG_FIXTURES, 'captured/boot-properties-and-userspace.kmsg'), join(root, 'dev/kmsg'));
    const reading = await sampleOk(createKernelSignal(contextFor(root)));
    expect(reading.recordsRead).toBe(10);
    expect(reading.events).toEqual([]);

    // The same text as a kernel record (prio 3: facility 0) is a kill: only the facility made the difference.
    const kernelText = readFileSync(join(root, 'dev/kmsg'), 'utf8').replace('11,2410,', '3,2410,');
    writeFileSync(join(root, 'dev/kmsg'), kernelText);
    const asKernel = await sampleOk(createKernelSignal(contextFor(root)));
    expect(asKernel.events.map((event) => event.fields.pid)).toEqual([4242]);
  });

  it('names kills vmstat counted that no record names, and only those', async () => {
    const root = writableTree('cgroup-v2-oom');
    const vmstat = (kills: number) =>
      writeFileSync(join(root, 'proc/vmstat'), `nr_free_pages 1000\noom_kill ${kills}\n`);
    vmstat(5);
    const signal = createKernelSignal(contextFor(root));
    await sampleOk(signal); // baseline (and the look-back's kill, which vmstat counted long ago)

    // Two kills, one record: one victim unknown.
    vmstat(7);
    appendFileSync(
      join(root, 'dev/kmsg'),
      '3,1100,8560000000,-;Memory cgroup out of memory: Killed process 200001 (worker) total-vm:1024kB, anon-rss:512kB, file-rss:0kB, shmem-rss:0kB\n',
    );
    const second = await sampleOk(signal);
    const unknown = second.events.filter((event) => event.fields.victim === 'unknown');
    expect(unknown.map((event) => event.fields.kills)).toEqual([1]);
    const findings = kernelChecks(samplesWith({ kernel: second }), configFrom([]).thresholds);
    expect(findings.find((finding) => finding.subject === 'unknown-victim')).toMatchObject({
      severity: 'warning',
      value: 1,
    });
    expect(findings.find((finding) => finding.subject === 'process:worker')?.summary).toContain(
      'OOM killer killed pid 200001 (worker) in an unknown cgroup (memcg limit)',
    );

    // The record runs ahead of the counter (read between the two): no false unknown next cycle.
    appendFileSync(
      join(root, 'dev/kmsg'),
      '3,1101,8560100000,-;Memory cgroup out of memory: Killed process 200002 (worker) total-vm:1024kB, anon-rss:512kB, file-rss:0kB, shmem-rss:0kB\n',
    );
    await sampleOk(signal);
    vmstat(8);
    const fourth = await sampleOk(signal);
    expect(fourth.events.filter((event) => event.fields.victim === 'unknown')).toHaveLength(1);
  });

  it('a garbled kmsg file makes the signal unavailable with the reason, through the sampler', async () => {
    const root = writableTree('cgroup-v2-oom');
    appendFileSync(join(root, 'dev/kmsg'), 'this is not a record\n');
    const context = contextFor(root);
    const sampler = new Sampler(context, [createKernelSignal(context)]);
    const { samples } = await sampler.sample();
    await sampler.close();
    expect(samples.kernel).toEqual({
      status: 'unavailable',
      reason: `${join(root, 'dev/kmsg')}: record 9: kmsg record: no ';' after the header in "this is not a record"`,
    });
  });

  it.each([
    ['no dev/kmsg', (root: string) => rmSync(join(root, 'dev/kmsg')), 'dev/kmsg: no such file'],
    [
      'dev/kmsg is a directory',
      (root: string) => {
        rmSync(join(root, 'dev/kmsg'));
        mkdirSync(join(root, 'dev/kmsg'));
      },
      'dev/kmsg: neither a character device nor a regular file',
    ],
    ['no proc/uptime', (root: string) => rmSync(join(root, 'proc/uptime')), 'proc/uptime: no such file'],
    [
      'a malformed proc/uptime',
      (root: string) => writeFileSync(join(root, 'proc/uptime'), 'soon\n'),
      'proc/uptime: expected "UPTIME IDLE"',
    ],
  ])('%s: SignalError', async (_, breakTree, reason) => {
    const root = writableTree('cgroup-v2-oom');
    breakTree(root);
    await expect(createKernelSignal(contextFor(root)).sample()).rejects.toThrow(SignalError);
    await expect(createKernelSignal(contextFor(root)).sample()).rejects.toThrow(reason);
  });

  it('random kmsg files give an ok reading or a SignalError, nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nodedoc-kmsg-random-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'dev'));
    mkdirSync(join(root, 'proc'));
    writeFileSync(join(root, 'proc/uptime'), '1000.00 1000.00\n');
    const kmsgLine = fc
      .tuple(fc.nat(1100), fc.nat(), fc.nat(2_000_000_000), fc.string({ maxLength: 120 }))
      .map(([prio, seq, usec, text]) => `${prio},${seq},${usec},-;${text}`);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 600 }),
          fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
          fc.array(kmsgLine, { maxLength: 20 }).map((lines) => lines.join('\n')),
        ),
        async (text) => {
          writeFileSync(join(root, 'dev/kmsg'), text);
          try {
            const reading = await createKernelSignal(contextFor(root)).sample();
            expect(reading.status).toBe('ok');
          } catch (error) {
            expect(error).toBeInstanceOf(SignalError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(requires({ root: true, check: () => (process.platform === 'linux' ? undefined : 'Linux') }))(
  "this machine's /dev/kmsg",
  () => {
    it('reads the character device: the whole look-back first, then only new records', async () => {
      const signal = createKernelSignal(contextFor('/'));
      try {
        const first = await sampleOk(signal);
        expect(first.source).toBe('device');
        // Boot messages alone are dozens of records; the hold only limits what is matched.
        expect(first.recordsRead).toBeGreaterThan(10);
        const second = await sampleOk(signal);
        // Whatever else happens on the machine, a second drain does not re-read the whole buffer.
        expect(second.recordsRead).toBeLessThan(first.recordsRead);
        expect(second.recordsMissed).toBe(0);
      } finally {
        await signal.close?.();
      }
    });
  },
);
