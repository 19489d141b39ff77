/**
 * The shape of every signal's sample: the `samples` object of `nodedoc-agent --once --json` and of each
 * report on the wire. Field names carry base units (`…Bytes`, `…Seconds`, `…Ratio` in 0–1).
 */

import type { ProbeFailure } from './probes/probe-failure.js';
import type { ProbeReading, Reading } from './reading.js';

/** One line of a /proc/pressure/* file: share of wall time stalled, averaged over 10 s, 60 s, 300 s. */
export interface PressureLine {
  readonly avg10Ratio: number;
  readonly avg60Ratio: number;
  readonly avg300Ratio: number;
  /** Cumulative stall time since boot. */
  readonly totalSeconds: number;
  /**
   * Share of the agent's own interval stalled: the growth of totalSeconds since the previous sample over the
   * monotonic time between the two reads (Pressure.intervalSeconds), in 0–1. Unlike avg10 it does not lag
   * behind an onset. null on the first sample, when no time passed, or when the total went backwards.
   */
  readonly intervalRatio: number | null;
}

export interface Pressure {
  readonly some: PressureLine;
  /** Absent in /proc/pressure/cpu on kernels before 5.13. */
  readonly full?: PressureLine;
  /** Seconds between the previous read of the file and this one; null on the first sample. */
  readonly intervalSeconds: number | null;
}

export interface CpuSample {
  readonly cores: number;
  /** Shares of CPU time since the previous sample; null on the first sample (rates need two points). */
  readonly busyRatio: number | null;
  readonly iowaitRatio: number | null;
  readonly stealRatio: number | null;
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  /** /proc/pressure/cpu, or null when the kernel has no PSI (CONFIG_PSI=n or psi=0). */
  readonly pressure: Pressure | null;
}

export interface MemorySample {
  readonly totalBytes: number;
  readonly availableBytes: number;
  readonly availableRatio: number;
  readonly swapTotalBytes: number;
  readonly swapFreeBytes: number;
  readonly pressure: Pressure | null;
  /** /proc/vmstat oom_kill since boot; null on kernels before 4.13 that lack the counter. */
  readonly oomKillsTotal: number | null;
  /** New OOM kills since the previous sample (vmstat delta); null on the first sample. */
  readonly oomKillsDelta: number | null;
}

export type FilesystemRole = 'nodefs' | 'imagefs' | 'rootfs';

export type FilesystemSample = Reading<{
  /** The path as configured (inside the host), e.g. /var/lib/kubelet. */
  readonly path: string;
  readonly role: FilesystemRole;
  readonly sizeBytes: number;
  /** Space available to unprivileged users (statfs f_bavail), what the kubelet's eviction uses. */
  readonly availableBytes: number;
  readonly availableRatio: number;
  readonly usedRatio: number;
  readonly inodes: number;
  readonly inodesFree: number;
  /** null on filesystems without a fixed inode table (btrfs reports 0 inodes). */
  readonly inodesFreeRatio: number | null;
  /** Mount point that holds the path and its read-only flag (from mountinfo), when known. */
  readonly mountPoint: string | null;
  readonly readOnly: boolean | null;
}> & { readonly path: string; readonly role: FilesystemRole };

export interface DiskSample {
  readonly filesystems: readonly FilesystemSample[];
}

export interface BlockDeviceSample {
  readonly device: string;
  /** Mean time per completed request since the previous sample; null when no request completed. */
  readonly awaitSeconds: number | null;
  /** Share of wall time the device had requests in flight. */
  readonly utilizationRatio: number;
  readonly readsPerSecond: number;
  readonly writesPerSecond: number;
}

export interface IoSample {
  /** Whole disks only (no partitions, loop or ram devices); empty on the first sample. */
  readonly devices: readonly BlockDeviceSample[];
  readonly pressure: Pressure | null;
}

export interface ProcessesSample {
  /** Scheduling entities (threads) alive, from /proc/loadavg. */
  readonly threads: number;
  readonly pidMax: number;
  readonly threadsMax: number;
  /** threads / min(pid_max, threads-max). */
  readonly threadsRatio: number;
  readonly fileHandlesAllocated: number;
  readonly fileHandlesMax: number;
  readonly fileHandlesRatio: number;
}

/**
 * Counters of /proc/net/stat/nf_conntrack (meanings as in conntrack(8) -S), summed over CPUs. Columns a
 * kernel does not print are null.
 */
export interface ConntrackCounters {
  /** Lookups that found an existing entry. */
  readonly found: number;
  /** Packets conntrack could not track (malformed, out of window, no protocol tracker). */
  readonly invalid: number;
  /** Entries inserted (confirmed) into the table. */
  readonly insert: number;
  /**
   * Entries that could not be inserted, their packet dropped: another CPU inserted the same tuple first
   * (the insertion race of parallel UDP packets through NAT) or, since 5.15, the hash chain was too long.
   */
  readonly insertFailed: number;
  /** Packets dropped because no entry could be created: the table was full (or memory ran out). */
  readonly drop: number;
  /** Unassured entries evicted to make room in a full table. */
  readonly earlyDrop: number;
  /** Packets that could not be tracked because of an error (a subset of invalid). */
  readonly icmpError: number;
  /** Lookups restarted because the table changed under them; null on kernels before 2.6.35. */
  readonly searchRestart: number | null;
  /** Insertion clashes resolved without a drop ("clashres"); null before 5.10. */
  readonly clashResolve: number | null;
  /** Inserts refused for an over-long hash chain ("chainlength", also in insertFailed); null before 5.15. */
  readonly chainTooLong: number | null;
}

/**
 * The conntrack table of the network namespace the agent reads (the host's, with hostNetwork). The limit
 * is global, the count per namespace.
 */
export interface ConntrackSample {
  /** nf_conntrack_count: entries in the table now. */
  readonly entries: number;
  /** nf_conntrack_max: entries the table may hold; 0 means no limit. */
  readonly max: number;
  /** entries / max; null when max is 0 (no limit). */
  readonly utilizationRatio: number | null;
  /**
   * CPU rows of /proc/net/stat/nf_conntrack (one per possible CPU); null when the kernel has no such file
   * (built without CONFIG_NF_CONNTRACK_PROCFS), and then deltas and rates stay null.
   */
  readonly cpus: number | null;
  /** Seconds between the two reads of the stat file that deltas and rates span; null without deltas. */
  readonly intervalSeconds: number | null;
  /** Per-second rates since the previous sample (deltas / intervalSeconds); null on the first sample. */
  readonly ratesPerSecond: ConntrackCounters | null;
  /** Increases since the previous sample, wrap-safe per CPU, summed; null on the first sample. */
  readonly deltas: ConntrackCounters | null;
  /**
   * Inode of the network namespace the table belongs to (/proc/self/ns/net), to tell this table's
   * "table full in netns N" kernel-log lines from other namespaces'; null when unreadable.
   */
  readonly netnsInode: number | null;
}

/**
 * What became of one DNS probe: ok (answered as expected), late (answered, but slower than the
 * dns-latency-seconds threshold), timeout (no matching answer within --dns-timeout), refused (ICMP port
 * unreachable / TCP reset, or rcode REFUSED), rcode (SERVFAIL and other bad codes, or NXDOMAIN for a name
 * that must exist), error (any other socket or wire failure).
 */
export type DnsOutcome = 'ok' | 'late' | 'timeout' | 'refused' | 'rcode' | 'error';

export interface DnsProbeResult {
  /** Fully qualified, with the trailing dot ("kubernetes.default.svc.cluster.local."). */
  readonly name: string;
  readonly type: string;
  readonly protocol: 'udp' | 'tcp';
  readonly outcome: DnsOutcome;
  /** Round trip from send to a matching answer; null when none came. */
  readonly latencySeconds: number | null;
  /** DNS response code when an answer came (NOERROR, NXDOMAIN, SERVFAIL, …). */
  readonly rcode: string | null;
  /** Why the probe failed, for timeout/refused/error (e.g. "ECONNREFUSED", "no answer within 2s"). */
  readonly error?: string;
}

/** Probes per outcome. */
export type DnsOutcomeCounts = Readonly<Record<DnsOutcome, number>>;

export interface DnsServerSample {
  /** "IP:PORT" ("[IPv6]:PORT" for IPv6). */
  readonly server: string;
  /** cluster: the cluster DNS (kubelet clusterDNS or --dns-server); upstream: the node's resolvers. */
  readonly role: 'cluster' | 'upstream';
  /** Probes of this cycle. */
  readonly probes: readonly DnsProbeResult[];
  /** Over the sliding window of recent probes (see --dns-window), this cycle's included. */
  readonly window: {
    readonly probes: number;
    /** Probes that got no usable answer: timeout, refused, rcode and error (late answers are not failures). */
    readonly failures: number;
    /** failures / probes; 0 when the window is empty. */
    readonly failureRatio: number;
    readonly timeouts: number;
    readonly outcomes: DnsOutcomeCounts;
    /** Probes that got a matching answer, whatever its rcode: the percentiles are over these. */
    readonly answered: number;
    /** Percentiles (nearest rank) of the round trips of the answered probes; null without one. */
    readonly p50Seconds: number | null;
    readonly p95Seconds: number | null;
  };
}

export interface DnsSample {
  /** Where the cluster servers came from: --dns-server, or clusterDNS of the kubelet config. */
  readonly source: 'flag' | 'kubelet-config';
  /** The domain of the kubernetes.default.svc probe (--cluster-domain, kubelet clusterDomain, cluster.local). */
  readonly clusterDomain: string;
  /** --dns-timeout: a timed-out probe stalled its client at least this long. */
  readonly timeoutSeconds: number;
  /** --dns-window: how far back the window statistics reach. */
  readonly windowSeconds: number;
  readonly servers: readonly DnsServerSample[];
}

/** Set on a reading whose first probe this cycle failed and was asked again (probes/probe-retry.ts). */
export interface RetriedReading {
  /** True when the first probe of this cycle failed and the in-cycle retry gave this reading. */
  readonly retried?: boolean;
  /** On a down reading: how the last probe failed (timeout, refused, status, error). */
  readonly failure?: ProbeFailure;
}

export interface KubeletSample extends RetriedReading {
  readonly url: string;
  readonly latencySeconds: number | null;
  /** Failed healthz probes in a row, counting the in-cycle retry (two for a kubelet down one cycle). */
  readonly consecutiveFailures: number;
}

export interface RuntimeCondition {
  readonly type: string;
  readonly status: boolean;
  readonly reason: string;
  readonly message: string;
}

export interface RuntimeSample extends RetriedReading {
  readonly socket: string;
  /** CRI API version that answered (v1, or v1alpha2 on older runtimes). */
  readonly apiVersion: string | null;
  readonly conditions: readonly RuntimeCondition[];
  readonly runtimeReady: boolean | null;
  readonly networkReady: boolean | null;
  readonly latencySeconds: number | null;
  readonly consecutiveFailures: number;
}

export interface ApiServerSample extends RetriedReading {
  readonly url: string;
  /** HTTP status of GET /readyz; 401/403 still prove the server is reachable. */
  readonly httpStatus: number | null;
  readonly latencySeconds: number | null;
  readonly consecutiveFailures: number;
}

export interface CertificateSample {
  readonly path: string;
  readonly subject: string;
  readonly notAfter: string;
  /** Negative once expired. */
  readonly expiresInSeconds: number;
}

export type KernelEventKind =
  | 'oom-kill'
  | 'hung-task'
  | 'soft-lockup'
  | 'readonly-remount'
  | 'conntrack-full';

export interface KernelEvent {
  readonly kind: KernelEventKind;
  /** Wall-clock time of the event's first record (boot time + the record's monotonic stamp), ISO 8601. */
  readonly time: string;
  /** Time of the latest record folded into the event; it is held for --event-hold after this. */
  readonly lastTime: string;
  /** Kernel sequence number of the first record (unique per boot); null for kills known only from vmstat. */
  readonly seq: number | null;
  /** Records folded into this event: both lines of one OOM kill, repeated reports of one hung task. */
  readonly records: number;
  /** A record of this event was read in this cycle (false while it is only held from earlier cycles). */
  readonly fresh: boolean;
  /** The kernel-log line, trimmed to a sane length. */
  readonly message: string;
  /**
   * Parsed fields: for oom-kill pid, process, cgroup, podUid, containerId, constraint; for hung-task
   * process, pid and blockedSeconds; for readonly-remount device, filesystem and action; …
   */
  readonly fields: Readonly<Record<string, string | number>>;
}

export interface KernelSample {
  /** 'device' when reading the real /dev/kmsg, 'file' for a regular file (fixture trees). */
  readonly source: 'device' | 'file';
  /** Events of the last --event-hold window (so a scrape every 30 s still sees a one-off kill). */
  readonly events: readonly KernelEvent[];
  /** Records read since the previous sample. */
  readonly recordsRead: number;
  /** Records the kernel overwrote before the agent read them (sequence gaps), since the agent started. */
  readonly recordsMissed: number;
  /** Events matched since the agent started, by kind; a kill's two lines count once. Feeds a counter. */
  readonly matchedTotal: Readonly<Record<KernelEventKind, number>>;
  /** Held events discarded because more arrived within --event-hold than the agent keeps. */
  readonly eventsDropped: number;
}

export interface IdentitySample {
  readonly bootId: string;
  readonly uptimeSeconds: number;
  /** Boot id recorded by the previous run (in --spool-dir); null when unknown. */
  readonly previousBootId: string | null;
  /** The boot id differs from the previous run's; stays true for --event-hold after it was noticed. */
  readonly bootIdChanged: boolean;
}

export interface Samples {
  readonly cpu: Reading<CpuSample>;
  readonly memory: Reading<MemorySample>;
  readonly disk: Reading<DiskSample>;
  readonly io: Reading<IoSample>;
  readonly processes: Reading<ProcessesSample>;
  readonly conntrack: Reading<ConntrackSample>;
  readonly dns: Reading<DnsSample>;
  readonly kubelet: ProbeReading<KubeletSample>;
  readonly runtime: ProbeReading<RuntimeSample>;
  readonly apiserver: ProbeReading<ApiServerSample>;
  readonly certificate: Reading<CertificateSample>;
  readonly kernel: Reading<KernelSample>;
  readonly identity: Reading<IdentitySample>;
}

export type SignalName = keyof Samples;

/**
 * Every signal name, in the order of the report's `samples` (the brief's signal table). `satisfies`
 * rejects a name that is not a key of Samples; SIGNAL_NAMES_COMPLETE below rejects a key left out.
 */
export const SIGNAL_NAMES = [
  'cpu',
  'memory',
  'disk',
  'io',
  'processes',
  'conntrack',
  'dns',
  'kubelet',
  'runtime',
  'apiserver',
  'certificate',
  'kernel',
  'identity',
] as const satisfies readonly SignalName[];

/** The keys of Samples that SIGNAL_NAMES leaves out: `never` while the list is complete. */
type UnlistedSignalName = Exclude<SignalName, (typeof SIGNAL_NAMES)[number]>;

/** Type-checks only while UnlistedSignalName is empty; otherwise the error names the missing signal. */
export const SIGNAL_NAMES_COMPLETE: [UnlistedSignalName] extends [never] ? true : UnlistedSignalName = true;
