import { describe, expect, it } from 'vitest';
import { kernelChecks } from '../../../agent/checks/kernel.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import type { Finding } from '../../../agent/finding.js';
import { ok, unavailable } from '../../../agent/reading.js';
import type { KernelEvent, MemorySample, Samples } from '../../../agent/sample-types.js';
import { samplesWith } from '../../harness/samples.js';
import { eventsFrom, kernelLogWith } from './kernel-test-support.js';

/**
 * kernelChecks on held events built from the real lines of test/fixtures/kmsg (through the pattern
 * table and the event hold, as the signal builds them), plus the memory signal's vmstat delta.
 */

const THRESHOLDS = defaultThresholds();

function memory(oomKillsDelta: number | null): Samples['memory'] {
  const sample: MemorySample = {
    totalBytes: 8 * 2 ** 30,
    availableBytes: 4 * 2 ** 30,
    availableRatio: 0.5,
    swapTotalBytes: 0,
    swapFreeBytes: 0,
    pressure: null,
    oomKillsTotal: 40,
    oomKillsDelta,
  };
  return ok(sample);
}

function check(files: readonly string[], extra: Partial<Samples> = {}): Finding[] {
  return kernelChecks(samplesWith({ kernel: kernelLogWith(eventsFrom(files)), ...extra }), THRESHOLDS);
}

describe('oom-kill', () => {
  it('a container over its own limit is a warning naming pid, name, cgroup, pod and container', () => {
    const [finding, ...rest] = check(['quoted/oom-cgroup-v2-systemd.kmsg']);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ check: 'oom-kill', cause: 'oom-kill', severity: 'warning', value: 1 });
    expect(finding?.summary).toBe(
      'OOM killer killed pid 183960 (stress-ng-vm) in cgroup /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5931aa75_4603_4e65_b552_7c71cf55cfb5.slice/cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope (memcg limit of /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5931aa75_4603_4e65_b552_7c71cf55cfb5.slice) — pod 5931aa75-4603-4e65-b552-7c71cf55cfb5, container 25a38b5b8d55.',
    );
    expect(finding?.details?.victims).toEqual([
      expect.objectContaining({
        pid: 183960,
        process: 'stress-ng-vm',
        podUid: '5931aa75-4603-4e65-b552-7c71cf55cfb5',
        containerId: '25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca',
        qosClass: 'burstable',
        reason: 'memcg-limit',
        nodeCritical: false,
        anonRssBytes: 93176 * 1024,
      }),
    ]);
  });

  it('the captured cgroup v1 kill reads as the brief says: "… in cgroup /… (memcg limit)"', () => {
    const findings = check(['captured/oom-memcg-v1.kmsg']);
    const named = findings.find((finding) => finding.subject === '/nodedoc-oom-capture');
    expect(named?.summary).toBe(
      'OOM killer killed pid 9522 (stress-ng-vm) in cgroup /nodedoc-oom-capture (memcg limit).',
    );
    // The eight kills whose summary the kernel rate-limited away: cgroup unknown, grouped by name.
    const unnamed = findings.find((finding) => finding.subject === 'process:stress-ng-vm');
    expect(unnamed).toMatchObject({ severity: 'warning', value: 8 });
    expect(unnamed?.summary).toBe(
      'OOM killer killed 8 processes in an unknown cgroup (memcg limit): pid 9902 (stress-ng-vm), pid 9903 (stress-ng-vm), pid 9904 (stress-ng-vm) and 5 more.',
    );
    expect(findings).toHaveLength(2);
  });

  it('a node-wide OOM is critical whatever the victim', () => {
    const findings = check(['quoted/oom-global.kmsg']);
    expect(findings.map((finding) => [finding.severity, finding.value])).toEqual([
      ['critical', 1],
      ['critical', 1],
    ]);
    expect(findings[0]?.summary).toContain('pid 19227 (entry)');
    expect(findings[0]?.summary).toContain('(system-wide out of memory)');
  });

  it('all pods together hitting kubepods (node allocatable) is critical', () => {
    const [finding] = check(['quoted/oom-kubepods-limit.kmsg']);
    expect(finding?.severity).toBe('critical');
    expect(finding?.summary).toContain("(pods' shared limit /kubepods.slice: node allocatable exhausted)");
  });

  it('a node-critical victim is critical even under a memcg limit', () => {
    const time = new Date().toISOString();
    const kubelet: KernelEvent = {
      kind: 'oom-kill',
      time,
      lastTime: time,
      seq: 1,
      records: 1,
      fresh: true,
      message: 'Memory cgroup out of memory: Killed process 812 (kubelet) …',
      fields: { pid: 812, process: 'kubelet', trigger: 'memcg', cgroup: '/system.slice/kubelet.service' },
    };
    const shim: KernelEvent = {
      ...kubelet,
      seq: 2,
      fields: {
        pid: 900,
        process: 'containerd-shim',
        trigger: 'memcg',
        cgroup: '/system.slice/containerd.service',
      },
    };
    const findings = kernelChecks(samplesWith({ kernel: kernelLogWith([kubelet, shim]) }), THRESHOLDS);
    expect(findings.map((finding) => [finding.subject, finding.severity])).toEqual([
      ['/system.slice/kubelet.service', 'critical'],
      ['/system.slice/containerd.service', 'critical'],
    ]);
    expect(findings[0]?.summary).toContain('kubelet is node-critical.');
  });

  it('without the kernel log, the vmstat delta still raises oom-kill, with the victims unknown', () => {
    const findings = kernelChecks(
      samplesWith({ kernel: unavailable('/dev/kmsg: permission denied'), memory: memory(2) }),
      THRESHOLDS,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'oom-kill',
        severity: 'warning',
        value: 2,
        subject: 'unknown-victim',
      }),
    ]);
    expect(findings[0]?.summary).toBe(
      'The kernel counted 2 OOM kills (/proc/vmstat oom_kill) that no kernel-log record names: the kernel log is unavailable (/dev/kmsg: permission denied).',
    );
    expect(kernelChecks(samplesWith({ kernel: unavailable('x'), memory: memory(0) }), THRESHOLDS)).toEqual(
      [],
    );
    expect(kernelChecks(samplesWith({ kernel: unavailable('x'), memory: memory(null) }), THRESHOLDS)).toEqual(
      [],
    );
  });

  it('with the kernel log, the delta is already accounted for by the kernel signal', () => {
    expect(kernelChecks(samplesWith({ kernel: kernelLogWith([]), memory: memory(3) }), THRESHOLDS)).toEqual(
      [],
    );
  });
});

describe('kernel-hang', () => {
  it('soft lockups are critical, with the longest stall as the value', () => {
    const findings = check(['quoted/soft-lockup.kmsg']);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'kernel-hang',
        severity: 'critical',
        subject: 'soft-lockup',
        value: 485,
      }),
    ]);
    expect(findings[0]?.summary).toContain(
      '5 soft lockups: CPU#1 for 26 s (ksoftirqd/1, pid 23), CPU#1 for 23 s (WorkerPool/7703, pid 7703), CPU#19 for 22 s (jbd2/pmem0-8, pid 1002) and 2 more',
    );
  });

  it('hung tasks and soft lockups are separate findings', () => {
    const findings = check(['quoted/hung-task.kmsg', 'quoted/soft-lockup.kmsg']);
    expect(findings.map((finding) => [finding.subject, finding.value])).toEqual([
      ['hung-task', 362],
      ['soft-lockup', 485],
    ]);
    expect(findings[0]?.details?.events).toHaveLength(4);
  });
});

describe('readonly-filesystem', () => {
  it('folds the journal abort and the remount of one filesystem into one finding', () => {
    const findings = check(['quoted/readonly.kmsg']);
    expect(findings.map((finding) => [finding.subject, finding.severity])).toEqual([
      ['sdb7 (ext4)', 'critical'],
      ['dm-17 (ext4)', 'critical'],
    ]);
    expect(findings[0]?.summary).toBe(
      'The kernel remounted ext4 on sdb7 read-only after an error: writes fail until it is repaired (fsck) and remounted.',
    );
  });

  it('a journal abort alone (the remount line rate-limited away) is still read-only', () => {
    const [finding] = check(['captured/ext4-journal-abort.kmsg']);
    expect(finding?.subject).toBe('loop2 (ext4)');
    expect(finding?.summary).toContain('The ext4 journal on loop2 was aborted');
  });
});

it('conntrack table-full events are left to the conntrack check', () => {
  expect(check(['captured/conntrack-full-netns.kmsg', 'quoted/conntrack-full.kmsg'])).toEqual([]);
});
