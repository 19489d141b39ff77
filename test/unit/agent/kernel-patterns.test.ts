import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_PATTERNS, matchKernelMessage } from '../../../agent/kernel/kernel-patterns.js';
import { fixtureRecords, KMSG_FIXTURES } from './kernel-test-support.js';

/**
 * The pattern table against real kernel lines: captured on this machine (fixtures/kmsg/captured) and
 * quoted from public reports (fixtures/kmsg/quoted). Each file's every record is matched, so a rule that
 * fires on the wrong line (a stack trace, a task list, the "invoked oom-killer" header) fails too.
 */

type Expected = Record<number, { kind: string; fields: Record<string, string | number> }>;

/** seq -> {kind, fields} for every record of a file that matches; records not listed must not match. */
function matches(file: string): Expected {
  const result: Expected = {};
  for (const record of fixtureRecords(file)) {
    const match = matchKernelMessage(record.message);
    if (match) result[record.seq] = { kind: match.pattern.kind, fields: match.fields };
  }
  return result;
}

/** Every match of a file in order (for files whose quoted headers repeat a sequence number). */
function matchList(file: string): Expected[number][] {
  return fixtureRecords(file).flatMap((record) => {
    const match = matchKernelMessage(record.message);
    return match ? [{ kind: match.pattern.kind, fields: match.fields }] : [];
  });
}

const KIB = 1024;
const V2_POD = '5931aa75-4603-4e65-b552-7c71cf55cfb5';
const V2_CONTAINER = '25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca';
const V2_CGROUP = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${V2_POD.replaceAll('-', '_')}.slice`;

describe('OOM kill lines', () => {
  it('captured cgroup v1 kill: the summary names the cgroup, "Killed process" the memory; nothing else matches', () => {
    const found = matches('captured/oom-memcg-v1.kmsg');
    expect(found[426]).toEqual({
      kind: 'oom-kill',
      fields: {
        pid: 9522,
        process: 'stress-ng-vm',
        constraint: 'CONSTRAINT_MEMCG',
        cgroup: '/nodedoc-oom-capture',
        oomCgroup: '/nodedoc-oom-capture',
        uid: 0,
      },
    });
    expect(found[427]).toEqual({
      kind: 'oom-kill',
      fields: {
        pid: 9522,
        process: 'stress-ng-vm',
        trigger: 'memcg',
        totalVmBytes: 798216 * KIB,
        anonRssBytes: 62024 * KIB,
      },
    });
    // The rate-limited phase: only "Killed process" lines, one per kill.
    for (let seq = 2186; seq <= 2193; seq += 1) {
      expect(found[seq]?.fields.pid).toBe(9902 + seq - 2186);
    }
    expect(Object.keys(found).map(Number)).toEqual([
      426, 427, 2186, 2187, 2188, 2189, 2190, 2191, 2192, 2193,
    ]);
  });

  it('cgroup v2 with the systemd driver (AKS): pod UID, container id, runtime and QoS from task_memcg', () => {
    const found = matches('quoted/oom-cgroup-v2-systemd.kmsg');
    expect(found[1007]?.fields).toEqual({
      pid: 183960,
      process: 'stress-ng-vm',
      constraint: 'CONSTRAINT_MEMCG',
      cgroup: `${V2_CGROUP}/cri-containerd-${V2_CONTAINER}.scope`,
      oomCgroup: V2_CGROUP,
      uid: 0,
      podUid: V2_POD,
      containerId: V2_CONTAINER,
      qosClass: 'burstable',
      runtime: 'containerd',
    });
    expect(found[1008]?.fields).toMatchObject({ pid: 183960, trigger: 'memcg', anonRssBytes: 93176 * KIB });
    // "Memory cgroup stats for /kubepods.slice/…" and the task list line are not kills.
    expect(Object.keys(found).map(Number)).toEqual([1007, 1008]);
  });

  it('node-wide OOMs: ",global_oom" instead of oom_memcg, "Out of memory:" before "Killed process"', () => {
    const found = matches('quoted/oom-global.kmsg');
    expect(found[2001]?.fields).toMatchObject({
      pid: 19227,
      process: 'entry',
      constraint: 'CONSTRAINT_NONE',
      podUid: 'be1e663f-f7a1-4b90-bdfd-bb30afdf7c37',
      containerId: '53463dbb01e95cfa79e16677e4a67317688384cc5b6c54d416b48dce0f406b4c',
      qosClass: 'besteffort',
    });
    expect(found[2001]?.fields).not.toHaveProperty('oomCgroup');
    expect(found[2002]?.fields).toMatchObject({ pid: 19227, trigger: 'system', anonRssBytes: 120 * KIB });
    // A container id shortened by the report's author is not a container id; the pod still decodes.
    expect(found[3001]?.fields).toMatchObject({
      pid: 2630150,
      uid: 1001,
      podUid: '7145627f-44a7-433c-a896-a8c81a4df533',
      qosClass: 'besteffort',
    });
    expect(found[3001]?.fields).not.toHaveProperty('containerId');
  });

  it('a kill at the kubepods level (node allocatable) keeps oom_memcg apart from task_memcg', () => {
    const found = matches('quoted/oom-kubepods-limit.kmsg');
    expect(found[4001]?.fields).toMatchObject({
      oomCgroup: '/kubepods.slice',
      podUid: '10d16a28-60ff-475f-a631-510d9792219f',
    });
    expect(found[4002]?.fields).toMatchObject({ pid: 68061, process: 'stress', trigger: 'memcg' });
  });

  it('summary lines of cgroupfs and systemd layouts, Docker and containerd, all decode to a pod', () => {
    const found = matchList('quoted/oom-cgroup-paths.kmsg');
    expect(found.map(({ fields }) => [fields.podUid, fields.qosClass, fields.runtime ?? null])).toEqual([
      ['d11ab7b0-d6db-4a24-a7de-4a2faf1e6980', 'burstable', null],
      ['dfc377c9-c533-4d51-af9e-6e0e0b3db83b', 'burstable', 'docker'],
      ['a545513b-a800-49da-8c45-915a953b7e78', 'burstable', null],
      ['ce695e83-cccc-4fb7-a7a1-1c6dbe0f60df', 'guaranteed', null],
      ['2646e12c-77c3-4d44-a574-6ab00819cb32', 'burstable', 'containerd'],
      ['0286b1b7-3c5a-45da-b2f0-1018921d9229', 'guaranteed', 'containerd'],
    ]);
    // mems_allowed=0-1 (a node list) did not confuse the fields after it.
    expect(found[0]?.fields).toMatchObject({ process: 'prometheus-conf', pid: 3401999 });
  });
});

describe('hung tasks and soft lockups', () => {
  it('captured hung task: both reports of the same task, not its stack or the sysctl hint', () => {
    expect(matches('captured/hung-task.kmsg')).toEqual({
      2201: { kind: 'hung-task', fields: { process: 'sh', pid: 12139, blockedSeconds: 2 } },
      2239: { kind: 'hung-task', fields: { process: 'sh', pid: 12139, blockedSeconds: 4 } },
    });
  });

  it('quoted hung tasks, names with slashes and colons included', () => {
    expect(Object.values(matches('quoted/hung-task.kmsg')).map(({ fields }) => fields)).toEqual([
      { process: 'jbd2/sda2-8', pid: 349, blockedSeconds: 120 },
      { process: 'msgctl11', pid: 21576, blockedSeconds: 120 },
      { process: 'kworker/0:2', pid: 7095, blockedSeconds: 120 },
      { process: 'mount', pid: 1103, blockedSeconds: 362 },
    ]);
  });

  it('soft lockups, with and without the old "NMI watchdog:" prefix', () => {
    expect(Object.values(matches('quoted/soft-lockup.kmsg')).map(({ fields }) => fields)).toEqual([
      { cpu: 1, stuckSeconds: 26, process: 'ksoftirqd/1', pid: 23 },
      { cpu: 1, stuckSeconds: 23, process: 'WorkerPool/7703', pid: 7703 },
      { cpu: 19, stuckSeconds: 22, process: 'jbd2/pmem0-8', pid: 1002 },
      { cpu: 31, stuckSeconds: 23, process: 'kworker/u642:5', pid: 1720 },
      { cpu: 49, stuckSeconds: 485, process: 'max_guest_memor', pid: 52368 },
    ]);
  });
});

describe('filesystems going read-only', () => {
  it('captured ext4 error: the journal abort and the remount, not the error line itself', () => {
    expect(matches('captured/ext4-error-remount-ro.kmsg')).toEqual({
      2197: {
        kind: 'readonly-remount',
        fields: { device: 'loop0', filesystem: 'ext4', action: 'journal-aborted' },
      },
      2198: {
        kind: 'readonly-remount',
        fields: { device: 'loop0', filesystem: 'ext4', action: 'remount-ro' },
      },
    });
  });

  it('captured ext4 on a backing store that ran out: the journal abort is all there is', () => {
    expect(matches('captured/ext4-journal-abort.kmsg')).toEqual({
      2318: {
        kind: 'readonly-remount',
        fields: { device: 'loop2', filesystem: 'ext4', action: 'journal-aborted' },
      },
    });
  });

  it('captured btrfs forced read-only and XFS shutdown', () => {
    expect(matches('captured/btrfs-forced-readonly.kmsg')).toEqual({
      2331: {
        kind: 'readonly-remount',
        fields: { device: 'loop2', filesystem: 'btrfs', action: 'forced-readonly' },
      },
    });
    // "User initiated shutdown received." and "Please unmount…" are context, not a second event.
    expect(matches('captured/xfs-shutdown.kmsg')).toEqual({
      2374: { kind: 'readonly-remount', fields: { device: 'loop0', filesystem: 'xfs', action: 'shutdown' } },
    });
  });

  it('quoted ext3-by-ext4 and device-mapper remounts', () => {
    expect(Object.values(matches('quoted/readonly.kmsg')).map(({ fields }) => fields)).toEqual([
      { device: 'sdb7', filesystem: 'ext4', action: 'journal-aborted' },
      { device: 'sdb7', filesystem: 'ext4', action: 'remount-ro' },
      { device: 'dm-17', filesystem: 'ext4', action: 'remount-ro' },
    ]);
  });
});

describe('conntrack table full', () => {
  it('names the network namespace when the kernel does (captured), and not otherwise (quoted)', () => {
    expect(Object.values(matches('captured/conntrack-full-netns.kmsg'))).toEqual([
      { kind: 'conntrack-full', fields: { netns: 4026532177 } },
      { kind: 'conntrack-full', fields: { netns: 4026532177 } },
    ]);
    // "net_ratelimit: 3939 callbacks suppressed" between them is not a drop line.
    expect(matches('quoted/conntrack-full.kmsg')).toEqual({
      8001: { kind: 'conntrack-full', fields: {} },
      8003: { kind: 'conntrack-full', fields: {} },
    });
  });
});

describe('the table as a whole', () => {
  it('ordinary boot records match nothing', () => {
    const kernelOnly = fixtureRecords('captured/boot-properties-and-userspace.kmsg').filter(
      (record) => record.facility === 0,
    );
    expect(kernelOnly.length).toBeGreaterThan(5);
    expect(kernelOnly.filter((record) => matchKernelMessage(record.message))).toEqual([]);
  });

  it('every rule is exercised by at least one real line in the fixtures', () => {
    const used = new Set<number>();
    for (const dir of ['captured', 'quoted']) {
      for (const file of readdirSync(join(KMSG_FIXTURES, dir))) {
        for (const record of fixtureRecords(`${dir}/${file}`)) {
          const match = matchKernelMessage(record.message);
          if (match) used.add(KERNEL_PATTERNS.indexOf(match.pattern));
        }
      }
    }
    expect([...used].sort((a, b) => a - b)).toEqual(KERNEL_PATTERNS.map((_, index) => index));
  });
});
