import type { KernelEvent } from '../sample-types.js';
import { cgroupOwner } from './cgroup-owner.js';

/**
 * Why the OOM killer ran, from the summary line's constraint and oom_memcg (or, without a summary, the
 * prefix of the "Killed process" line):
 * - system: the whole node ran out of memory (CONSTRAINT_NONE);
 * - pods-limit: the cgroup that ran out is kubepods or a QoS class, i.e. all pods together hit node
 *   allocatable — any pod may die, whatever its own limit;
 * - memcg-limit: a container or pod hit its own limit;
 * - cpuset / mempolicy: the memory nodes a task may use ran out;
 * - unknown: an old kernel that printed neither.
 */
export type OomReason = 'system' | 'pods-limit' | 'memcg-limit' | 'cpuset' | 'mempolicy' | 'unknown';

export interface OomVictim {
  readonly pid: number | null;
  readonly process: string | null;
  /** The victim's memory cgroup (task_memcg). */
  readonly cgroup: string | null;
  /** The cgroup whose limit was hit (oom_memcg); null for a system-wide OOM. */
  readonly oomCgroup: string | null;
  readonly podUid: string | null;
  readonly containerId: string | null;
  readonly qosClass: string | null;
  readonly reason: OomReason;
  /** A process the node cannot run pods without (see NODE_CRITICAL_PROCESSES). */
  readonly nodeCritical: boolean;
  readonly anonRssBytes: number | null;
  readonly time: string;
}

/**
 * Processes whose death takes the node down or makes it unmanageable. Names are the kernel's comm,
 * truncated to 15 characters ("containerd-shim", "systemd-journal").
 */
const NODE_CRITICAL_PROCESSES: ReadonlySet<string> = new Set([
  'kubelet',
  'containerd',
  'dockerd',
  'crio',
  'conmon',
  'runc',
  'kube-proxy',
  'k3s',
  'k3s-agent',
  'k3s-server',
  'systemd',
  'init',
  'sshd',
  'dbus-daemon',
]);
const NODE_CRITICAL_PREFIXES: readonly string[] = ['containerd-shim', 'systemd-'];
/** The kubelet's and the container runtimes' systemd units, whatever their processes are called. */
const NODE_CRITICAL_SERVICE =
  /^\/system\.slice\/(?:kubelet|containerd|docker|crio|k3s|k3s-agent)\.service(?:\/|$)/;

const REASON_TEXT: Readonly<Record<OomReason, string>> = {
  system: 'system-wide out of memory',
  'pods-limit': "pods' shared limit: node allocatable exhausted",
  'memcg-limit': 'memcg limit',
  cpuset: 'cpuset memory exhausted',
  mempolicy: 'memory-policy nodes exhausted',
  unknown: 'cause not logged',
};

function str(value: string | number | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: string | number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function reasonOf(fields: KernelEvent['fields']): OomReason {
  switch (fields.constraint) {
    case 'CONSTRAINT_NONE':
      return 'system';
    case 'CONSTRAINT_CPUSET':
      return 'cpuset';
    case 'CONSTRAINT_MEMORY_POLICY':
      return 'mempolicy';
    case 'CONSTRAINT_MEMCG': {
      const level = cgroupOwner(str(fields.oomCgroup) ?? '').level;
      return level === 'kubepods' || level === 'qos' ? 'pods-limit' : 'memcg-limit';
    }
  }
  if (fields.trigger === 'memcg') return 'memcg-limit';
  if (fields.trigger === 'system') return 'system';
  return 'unknown';
}

export function isNodeCritical(process: string | null, cgroup: string | null): boolean {
  if (cgroup !== null && NODE_CRITICAL_SERVICE.test(cgroup)) return true;
  if (process === null) return false;
  return NODE_CRITICAL_PROCESSES.has(process) || NODE_CRITICAL_PREFIXES.some((p) => process.startsWith(p));
}

/** The victim an oom-kill event names (pid and name may be null only for vmstat-only kills). */
export function oomVictim(event: KernelEvent): OomVictim {
  const { fields } = event;
  const process = str(fields.process);
  const cgroup = str(fields.cgroup);
  return {
    pid: num(fields.pid),
    process,
    cgroup,
    oomCgroup: str(fields.oomCgroup),
    podUid: str(fields.podUid),
    containerId: str(fields.containerId),
    qosClass: str(fields.qosClass),
    reason: reasonOf(fields),
    nodeCritical: isNodeCritical(process, cgroup),
    anonRssBytes: num(fields.anonRssBytes),
    time: event.time,
  };
}

/** "memcg limit", or "memcg limit of /kubepods/…/pod…" when the limit hit was a parent's; likewise for kubepods. */
export function describeReason(victim: OomVictim): string {
  const text = REASON_TEXT[victim.reason];
  if (victim.oomCgroup === null || victim.oomCgroup === victim.cgroup) return text;
  if (victim.reason === 'memcg-limit') return `${text} of ${victim.oomCgroup}`;
  if (victim.reason === 'pods-limit')
    return `pods' shared limit ${victim.oomCgroup}: node allocatable exhausted`;
  return text;
}

/** "pid 1234 (stress-ng-vm)". */
export function describeVictim(victim: OomVictim): string {
  return `pid ${victim.pid ?? '?'} (${victim.process ?? 'unknown'})`;
}
