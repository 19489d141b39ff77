import type { KernelEventKind } from '../sample-types.js';
import { cgroupOwner } from './cgroup-owner.js';

/** Fields parsed out of one kernel-log line. */
export type EventFields = Record<string, string | number>;

/**
 * One rule of the kernel-log table, in the spirit of node-problem-detector's kernel-monitor.json (a
 * regex per known problem), plus what to extract and how records of one occurrence fold together.
 */
export interface KernelPattern {
  readonly kind: KernelEventKind;
  /** A literal every matching message contains: a cheap filter before the regex runs. */
  readonly needle: string;
  /** Named groups feed `fields`. */
  readonly regex: RegExp;
  readonly fields: (groups: Readonly<Record<string, string | undefined>>) => EventFields;
  /**
   * Records with the same kind and key fold into one held event (the summary line and the "Killed
   * process" line of one OOM kill; a task reported hung every two minutes; the journal abort and the
   * remount of one device).
   */
  readonly foldKey: (fields: EventFields) => string;
  /**
   * For OOM kills: which of the two lines this is. A line only folds into an event that lacks its part,
   * so two kills of a recycled pid stay two events.
   */
  readonly part?: 'summary' | 'kill';
  /** Where the message format comes from, for the next reader of this table. */
  readonly source: string;
}

const KIB = 1024;

function int(value: string | undefined): number {
  return Number(value ?? Number.NaN);
}

/** Drops the fields a line did not carry (JSON-safe, and fold merges then keep the other line's). */
function defined(fields: Record<string, string | number | undefined>): EventFields {
  const result: EventFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '' || (typeof value === 'number' && !Number.isFinite(value)))
      continue;
    result[key] = value;
  }
  return result;
}

/** Pod, container and QoS class of the victim's cgroup (see cgroup-owner.ts). */
function podFields(cgroup: string | undefined): EventFields {
  if (cgroup === undefined) return {};
  const owner = cgroupOwner(cgroup);
  return defined({
    podUid: owner.podUid,
    containerId: owner.containerId,
    qosClass: owner.qosClass,
    runtime: owner.runtime,
  });
}

const byPid = (fields: EventFields): string => String(fields.pid);
/** One filesystem on one device: a device reused for another filesystem later is another event. */
const byFilesystem = (fields: EventFields): string => `${fields.device} (${fields.filesystem})`;

/** Which OOM path printed "Killed process": the prefix is the `message` argument of oom_kill_process(). */
function oomTrigger(prefix: string | undefined): string | undefined {
  if (prefix === undefined) return undefined;
  return prefix.startsWith('Memory cgroup') ? 'memcg' : 'system';
}

/**
 * The table. Each rule was checked against real kernel lines (test/fixtures/kmsg); node-problem-detector's
 * generic "Remounting filesystem read-only" is split into the filesystems whose messages were confirmed.
 */
export const KERNEL_PATTERNS: readonly KernelPattern[] = [
  {
    kind: 'oom-kill',
    part: 'summary',
    needle: 'oom-kill:constraint=',
    // One line per kill since 4.19; oom_memcg is printed for a cgroup OOM, ",global_oom" otherwise.
    // mems_allowed is a node list that may itself contain commas ("0,2-3"), hence the lazy groups.
    regex:
      /oom-kill:constraint=(?<constraint>[A-Z_]+),nodemask=(?<nodemask>.*?),cpuset=(?<cpuset>.*?),mems_allowed=(?<mems>.*?)(?:,oom_memcg=(?<oomCgroup>.*?)|,global_oom)?(?:,task_memcg=(?<cgroup>.*?))?,task=(?<process>.*),pid=(?<pid>\d+),uid=(?<uid>\d+)$/,
    fields: (g) =>
      defined({
        pid: int(g.pid),
        process: g.process,
        constraint: g.constraint,
        cgroup: g.cgroup,
        oomCgroup: g.oomCgroup,
        uid: int(g.uid),
        ...podFields(g.cgroup),
      }),
    foldKey: byPid,
    source: 'mm/oom_kill.c dump_oom_victim(), mm/memcontrol.c mem_cgroup_print_oom_context()',
  },
  {
    kind: 'oom-kill',
    part: 'kill',
    needle: 'Killed process ',
    // "Memory cgroup out of memory: Killed process 9522 (stress-ng-vm) total-vm:798216kB, anon-rss:…".
    // The name may hold spaces and parentheses; ") total-vm:" ends it.
    regex:
      /(?:(?<prefix>Memory cgroup out of memory|Out of memory(?: \([^)]*\))?): )?Killed process (?<pid>\d+) \((?<process>.*)\) total-vm:(?<totalVm>\d+)kB, anon-rss:(?<anonRss>\d+)kB/,
    fields: (g) =>
      defined({
        pid: int(g.pid),
        process: g.process,
        trigger: oomTrigger(g.prefix),
        totalVmBytes: int(g.totalVm) * KIB,
        anonRssBytes: int(g.anonRss) * KIB,
      }),
    foldKey: byPid,
    source: 'mm/oom_kill.c __oom_kill_process(); node-problem-detector rule OOMKilling',
  },
  {
    kind: 'hung-task',
    needle: ' blocked for more than ',
    // "INFO: task jbd2/sda2-8:349 blocked for more than 120 seconds." — names may contain ':'; the pid
    // follows the last one.
    regex: /task (?<process>.+):(?<pid>\d+) blocked for more than (?<seconds>\d+) seconds\./,
    fields: (g) => defined({ process: g.process, pid: int(g.pid), blockedSeconds: int(g.seconds) }),
    foldKey: byPid,
    source: 'kernel/hung_task.c check_hung_task(); node-problem-detector rule TaskHung',
  },
  {
    kind: 'soft-lockup',
    needle: 'soft lockup - CPU#',
    // "watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [insmod:458]" ("NMI watchdog: " before 4.15).
    regex: /BUG: soft lockup - CPU#(?<cpu>\d+) stuck for (?<seconds>\d+)s! \[(?<process>.+):(?<pid>\d+)\]/,
    fields: (g) =>
      defined({ cpu: int(g.cpu), stuckSeconds: int(g.seconds), process: g.process, pid: int(g.pid) }),
    foldKey: (fields) => `${fields.cpu}/${fields.pid}`,
    source: 'kernel/watchdog.c watchdog_timer_fn()',
  },
  {
    kind: 'readonly-remount',
    needle: 'Remounting filesystem read-only',
    // ext4 (which also mounts ext2 and ext3 filesystems) with errors=remount-ro.
    regex: /EXT4-fs \((?<device>[^)]+)\): Remounting filesystem read-only/,
    fields: (g) => defined({ device: g.device, filesystem: 'ext4', action: 'remount-ro' }),
    foldKey: byFilesystem,
    source: 'fs/ext4/super.c ext4_handle_error(); node-problem-detector rule FilesystemIsReadOnly',
  },
  {
    kind: 'readonly-remount',
    needle: 'Aborting journal on device ',
    // jbd2 is ext3/ext4's journal; it names the device "<dev>-<journal inode>" ("loop2-8"). Once the journal
    // is aborted ext4 refuses every write (EROFS), even when its own "Remounting" line was rate-limited away.
    regex: /Aborting journal on device (?<device>\S+?)(?:-\d+)?\.$/,
    fields: (g) => defined({ device: g.device, filesystem: 'ext4', action: 'journal-aborted' }),
    foldKey: byFilesystem,
    source: 'fs/jbd2/journal.c jbd2_journal_abort()',
  },
  {
    kind: 'readonly-remount',
    needle: 'forced readonly',
    // "BTRFS info (device loop2 state E): forced readonly" after a transaction abort.
    regex: /BTRFS(?: \w+)? \(device (?<device>[^\s)]+)(?: state \w+)?\): forced readonly/,
    fields: (g) => defined({ device: g.device, filesystem: 'btrfs', action: 'forced-readonly' }),
    foldKey: byFilesystem,
    source: 'fs/btrfs/messages.c __btrfs_handle_fs_error()',
  },
  {
    kind: 'readonly-remount',
    needle: 'Shutting down filesystem',
    // XFS has no read-only fallback: it shuts down and fails every write (and read) until unmounted.
    regex: /XFS \((?<device>[^)]+)\): .*Shutting down filesystem/,
    fields: (g) => defined({ device: g.device, filesystem: 'xfs', action: 'shutdown' }),
    foldKey: byFilesystem,
    source: 'fs/xfs/xfs_fsops.c xfs_do_force_shutdown(); node-problem-detector rule XfsHasShutdown',
  },
  {
    kind: 'conntrack-full',
    needle: 'table full',
    // Recent kernels name the namespace of any table but the host's: "table full in netns 4026532177, …";
    // without it the line is about the initial namespace.
    regex: /nf_conntrack: table full(?: in netns (?<netns>\d+))?, dropping packet/,
    fields: (g) => defined({ netns: int(g.netns) }),
    foldKey: (fields) => String(fields.netns ?? 'init'),
    source: 'net/netfilter/nf_conntrack_core.c __nf_conntrack_alloc()',
  },
];

export interface PatternMatch {
  readonly pattern: KernelPattern;
  readonly fields: EventFields;
}

/** The first rule a kernel message matches, with its fields; undefined for ordinary lines. */
export function matchKernelMessage(message: string): PatternMatch | undefined {
  for (const pattern of KERNEL_PATTERNS) {
    if (!message.includes(pattern.needle)) continue;
    const match = pattern.regex.exec(message);
    if (match) return { pattern, fields: pattern.fields(match.groups ?? {}) };
  }
  return undefined;
}
