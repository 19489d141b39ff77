import { formatRatio } from '../../common/bytes.js';
import type { Finding } from '../finding.js';
import type { ConntrackSample, KernelEvent, Samples } from '../sample-types.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/**
 * Recent kernels name the namespace when it is not the initial one ("nf_conntrack: table full in netns
 * 4026532177, dropping packet"; 6.18 on the CI machine does). The kernel log is shared by all
 * namespaces, so such a line is about this table only when the number is ours. The kernel-log reader
 * parses the number into fields.netns; the message is the fallback.
 */
const NETNS_IN_MESSAGE = /table full in netns (\d+)/;

function namedNetns(event: KernelEvent): number | undefined {
  const field = event.fields.netns;
  if (typeof field === 'number') return field;
  const match = NETNS_IN_MESSAGE.exec(event.message);
  return match ? Number(match[1]) : undefined;
}

/** "table full" kernel-log events that can be about the table the conntrack sample describes. */
function tableFullEvents(kernel: Samples['kernel'], netnsInode: number | null): KernelEvent[] {
  if (kernel.status !== 'ok') return [];
  return kernel.events.filter((event) => {
    if (event.kind !== 'conntrack-full') return false;
    const netns = namedNetns(event);
    // An unnamed line is the initial namespace on new kernels and any namespace on old ones: keep it.
    return netns === undefined || netnsInode === null || netns === netnsInode;
  });
}

function tableFigures(sample: ConntrackSample): string {
  const share = sample.utilizationRatio === null ? 'no limit' : formatRatio(sample.utilizationRatio);
  return `${sample.entries} of ${sample.max} entries (${share})`;
}

function overSeconds(sample: ConntrackSample): string {
  return sample.intervalSeconds === null ? '' : ` in the last ${sample.intervalSeconds.toFixed(1)} s`;
}

function utilizationFinding(sample: ConntrackSample, critical: number, warning: number): Finding[] {
  const ratio = sample.utilizationRatio;
  if (ratio === null || ratio < warning) return [];
  const threshold = ratio >= critical ? critical : warning;
  return [
    finding(
      'conntrack-utilization',
      ratio >= critical ? 'critical' : 'warning',
      `Conntrack table holds ${tableFigures(sample)}, at or above ${formatRatio(threshold)}: once it is full the kernel drops the first packet of every new connection.`,
      ratio,
      threshold,
    ),
  ];
}

/** Packets dropped (stat counter, or "table full" in the kernel log) while the table is at its limit. */
function dropsFinding(sample: ConntrackSample, events: readonly KernelEvent[], fullRatio: number): Finding[] {
  const ratio = sample.utilizationRatio;
  if (ratio === null || ratio < fullRatio) return [];
  const drops = sample.deltas?.drop ?? 0;
  // Repeated "table full" lines are folded into one event; each record is one rate-limited report.
  const lines = events.reduce((sum, event) => sum + event.records, 0);
  if (drops === 0 && lines === 0) return [];
  const evidence = [
    drops > 0 ? `${drops} packets dropped${overSeconds(sample)}` : '',
    lines > 0 ? `${lines} "table full, dropping packet" kernel-log lines` : '',
  ].filter(Boolean);
  return [
    finding(
      'conntrack-drops',
      'critical',
      `Conntrack table is full, ${tableFigures(sample)}, and new connections are being dropped: ${evidence.join(', ')}. Raise net.netfilter.nf_conntrack_max or find what opens so many connections.`,
      ratio,
      fullRatio,
      {
        details: {
          drops: sample.deltas?.drop ?? null,
          dropsPerSecond: sample.ratesPerSecond?.drop ?? null,
          earlyDrops: sample.deltas?.earlyDrop ?? null,
          kernelLogLines: events.map((event) => event.message),
        },
      },
    ),
  ];
}

/**
 * insert_failed and drop both rising while the table has room: entries lost to the insertion race
 * (two packets of one new flow, typically DNS A and AAAA over one UDP socket through NAT, racing to
 * insert the same tuple), or since 5.15 to an over-long hash chain, which chainlength tells apart.
 */
function raceFinding(sample: ConntrackSample, critical: number): Finding[] {
  const { deltas } = sample;
  if (!deltas || deltas.insertFailed === 0 || deltas.drop === 0) return [];
  if (sample.utilizationRatio !== null && sample.utilizationRatio >= critical) return [];
  const chains =
    deltas.chainTooLong !== null && deltas.chainTooLong > 0
      ? ` ${deltas.chainTooLong} of the failed inserts hit an over-long hash chain: raise net.netfilter.nf_conntrack_buckets.`
      : '';
  return [
    finding(
      'conntrack-race',
      'warning',
      `${deltas.insertFailed} conntrack inserts failed and ${deltas.drop} packets were dropped${overSeconds(sample)} while the table holds only ${tableFigures(sample)}: packets of new flows are lost to the insertion race (parallel UDP packets of one flow through NAT, e.g. DNS A and AAAA queries), not to a full table.${chains}`,
      deltas.insertFailed,
      null,
      {
        details: {
          insertFailedPerSecond: sample.ratesPerSecond?.insertFailed ?? null,
          dropsPerSecond: sample.ratesPerSecond?.drop ?? null,
          clashResolve: deltas.clashResolve,
          chainTooLong: deltas.chainTooLong,
        },
      },
    ),
  ];
}

/** Table utilisation, drops at the limit (exhaustion) and insert failures with room left (the race). */
export const conntrackChecks: Check = ({ conntrack, kernel }, t) => {
  if (conntrack.status !== 'ok') return [];
  const critical = t['conntrack-critical-ratio'];
  return [
    ...utilizationFinding(conntrack, critical, t['conntrack-warning-ratio']),
    ...dropsFinding(conntrack, tableFullEvents(kernel, conntrack.netnsInode), t['conntrack-full-ratio']),
    ...raceFinding(conntrack, critical),
  ];
};
