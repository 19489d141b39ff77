import type { Finding } from '../finding.js';
import { describeReason, describeVictim, type OomVictim, oomVictim } from '../kernel/oom-victim.js';
import type { KernelEvent, Samples } from '../sample-types.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** Victims named in one summary before "and N more"; the details carry up to MAX_DETAIL_VICTIMS. */
const MAX_SUMMARY_VICTIMS = 3;
const MAX_DETAIL_VICTIMS = 20;
/** Subject of the finding for kills whose victim no kernel-log record names. */
const UNKNOWN_VICTIM_SUBJECT = 'unknown-victim';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function listed(items: readonly string[], limit: number): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

/** Kills are grouped by the victim's cgroup (one finding per container or pod), else by process name. */
function groupKey(victim: OomVictim): string {
  return victim.cgroup ?? `process:${victim.process ?? 'unknown'}`;
}

function victimDetails(victim: OomVictim): Record<string, unknown> {
  return Object.fromEntries(Object.entries(victim).filter(([, value]) => value !== null));
}

function oomGroupFinding(subject: string, victims: readonly OomVictim[]): Finding {
  const first = victims[0] as OomVictim;
  const critical = victims.filter((victim) => victim.nodeCritical);
  const nodeWide = victims.some((victim) => victim.reason === 'system' || victim.reason === 'pods-limit');
  const where = first.cgroup ? `in cgroup ${first.cgroup}` : 'in an unknown cgroup';
  const pod = first.podUid
    ? ` — pod ${first.podUid}${first.containerId ? `, container ${first.containerId.slice(0, 12)}` : ''}`
    : '';
  const reasons = [...new Set(victims.map(describeReason))].join('; ');
  const head =
    victims.length === 1
      ? `OOM killer killed ${describeVictim(first)} ${where} (${reasons})${pod}.`
      : `OOM killer killed ${victims.length} processes ${where} (${reasons})${pod}: ${listed(victims.map(describeVictim), MAX_SUMMARY_VICTIMS)}.`;
  const names = [...new Set(critical.map((victim) => victim.process ?? ''))];
  const note =
    names.length > 0 ? ` ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} node-critical.` : '';
  return finding(
    'oom-kill',
    critical.length > 0 || nodeWide ? 'critical' : 'warning',
    `${head}${note}`,
    victims.length,
    null,
    { subject, details: { victims: victims.slice(-MAX_DETAIL_VICTIMS).map(victimDetails) } },
  );
}

function unknownKillsFinding(kills: number, why: string): Finding {
  return finding(
    'oom-kill',
    'warning',
    `The kernel counted ${plural(kills, 'OOM kill')} (/proc/vmstat oom_kill) that no kernel-log record names: ${why}.`,
    kills,
    null,
    { subject: UNKNOWN_VICTIM_SUBJECT, details: { kills } },
  );
}

/**
 * oom-kill from the held kernel-log kills (named victims, grouped by cgroup) and kills vmstat counted
 * without a record. Critical when a node-critical process died or the node (or all pods together) ran
 * out of memory; a container hitting its own limit is a warning. Without the kernel log, the vmstat
 * delta of this cycle is all there is.
 */
function oomFindings({ kernel, memory }: Samples): Finding[] {
  if (kernel.status !== 'ok') {
    const delta = memory.status === 'ok' ? (memory.oomKillsDelta ?? 0) : 0;
    return delta > 0
      ? [unknownKillsFinding(delta, `the kernel log is ${kernel.status} (${kernel.reason})`)]
      : [];
  }
  const kills = kernel.events.filter((event) => event.kind === 'oom-kill');
  const findings: Finding[] = [];
  const unknown = kills
    .filter((event) => event.fields.victim === 'unknown')
    .reduce((sum, event) => sum + Number(event.fields.kills ?? 0), 0);
  if (unknown > 0)
    findings.push(unknownKillsFinding(unknown, 'records were lost or the victims were not logged'));

  const groups = new Map<string, OomVictim[]>();
  for (const event of kills) {
    if (event.fields.victim === 'unknown') continue;
    const victim = oomVictim(event);
    const key = groupKey(victim);
    groups.set(key, [...(groups.get(key) ?? []), victim]);
  }
  for (const [subject, victims] of groups) findings.push(oomGroupFinding(subject, victims));
  return findings;
}

function maxField(events: readonly KernelEvent[], field: string): number {
  return Math.max(...events.map((event) => Number(event.fields[field] ?? 0)));
}

function eventDetails(events: readonly KernelEvent[]): Record<string, unknown> {
  return {
    events: events.slice(-MAX_DETAIL_VICTIMS).map((event) => ({ time: event.lastTime, ...event.fields })),
    lastMessage: events.at(-1)?.message,
  };
}

/** kernel-hang: tasks stuck in uninterruptible sleep, CPUs that stopped scheduling. */
function hangFindings(events: readonly KernelEvent[]): Finding[] {
  const findings: Finding[] = [];
  const hung = events.filter((event) => event.kind === 'hung-task');
  if (hung.length > 0) {
    const tasks = hung.map(
      (event) =>
        `${event.fields.process} (pid ${event.fields.pid}) for more than ${event.fields.blockedSeconds} s`,
    );
    findings.push(
      finding(
        'kernel-hang',
        'critical',
        `The kernel reported ${plural(hung.length, 'hung task')}: ${listed(tasks, MAX_SUMMARY_VICTIMS)} blocked in uninterruptible sleep. Stuck storage or a kernel lock; the kubelet and the container runtime can hang on the same resource.`,
        maxField(hung, 'blockedSeconds'),
        null,
        { subject: 'hung-task', details: eventDetails(hung) },
      ),
    );
  }
  const lockups = events.filter((event) => event.kind === 'soft-lockup');
  if (lockups.length > 0) {
    const cpus = lockups.map(
      (event) =>
        `CPU#${event.fields.cpu} for ${event.fields.stuckSeconds} s (${event.fields.process}, pid ${event.fields.pid})`,
    );
    findings.push(
      finding(
        'kernel-hang',
        'critical',
        `The kernel reported ${plural(lockups.length, 'soft lockup')}: ${listed(cpus, MAX_SUMMARY_VICTIMS)} stuck without scheduling. Everything else on those CPUs, pods and the kubelet included, stalled meanwhile.`,
        maxField(lockups, 'stuckSeconds'),
        null,
        { subject: 'soft-lockup', details: eventDetails(lockups) },
      ),
    );
  }
  return findings;
}

function readonlySummary(action: string, fs: string, device: string): string {
  switch (action) {
    case 'journal-aborted':
      return `The ext4 journal on ${device} was aborted after an error: every write fails (EROFS) until the filesystem is repaired and remounted.`;
    case 'forced-readonly':
      return `btrfs on ${device} was forced read-only after an error: writes fail until it is remounted.`;
    case 'shutdown':
      return `XFS on ${device} shut down after an error: all I/O fails until it is unmounted and repaired (xfs_repair).`;
    default:
      return `The kernel remounted ${fs} on ${device} read-only after an error: writes fail until it is repaired (fsck) and remounted.`;
  }
}

/** readonly-filesystem from the kernel log, one finding per filesystem ("loop0 (ext4)"). */
function readonlyFindings(events: readonly KernelEvent[]): Finding[] {
  const byFilesystem = new Map<string, KernelEvent[]>();
  for (const event of events) {
    if (event.kind !== 'readonly-remount') continue;
    const subject = `${event.fields.device} (${event.fields.filesystem})`;
    byFilesystem.set(subject, [...(byFilesystem.get(subject) ?? []), event]);
  }
  return [...byFilesystem].map(([subject, fsEvents]) => {
    const { fields } = fsEvents.at(-1) as KernelEvent;
    const summary = readonlySummary(String(fields.action), String(fields.filesystem), String(fields.device));
    return finding('readonly-filesystem', 'critical', summary, 1, null, {
      subject,
      details: eventDetails(fsEvents),
    });
  });
}

/** oom-kill, kernel-hang and readonly-filesystem from the kernel log (and vmstat for unnamed kills). */
export const kernelChecks: Check = (samples) => {
  const events = samples.kernel.status === 'ok' ? samples.kernel.events : [];
  return [...oomFindings(samples), ...hangFindings(events), ...readonlyFindings(events)];
};
