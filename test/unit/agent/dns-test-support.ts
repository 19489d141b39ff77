import { ProbeWindow } from '../../../agent/dns/probe-window.js';
import { ok, type Reading } from '../../../agent/reading.js';
import type { DnsOutcome, DnsProbeResult, DnsSample } from '../../../agent/sample-types.js';

/** Shared by the dns-*.test.ts files: probe results and DNS readings built by hand. */

/** A UDP probe of kubernetes.default.svc; it got a NOERROR answer exactly when it has a latency. */
export function probe(outcome: DnsOutcome, latencySeconds: number | null = null): DnsProbeResult {
  return {
    name: 'kubernetes.default.svc.cluster.local.',
    type: 'A',
    protocol: 'udp',
    outcome,
    latencySeconds,
    rcode: latencySeconds === null ? null : 'NOERROR',
  };
}

/**
 * One cycle's DNS reading for one server holding these probes, with the window statistics the real
 * ProbeWindow computes once they are added to `window` (a fresh one unless a test carries one across cycles).
 */
export function dnsReading(
  probes: readonly DnsProbeResult[],
  {
    server = '10.96.0.10:53',
    role = 'cluster',
    window = new ProbeWindow(60_000, () => 0),
  }: { server?: string; role?: 'cluster' | 'upstream'; window?: ProbeWindow } = {},
): Reading<DnsSample> {
  window.add(probes);
  return ok({
    source: 'kubelet-config' as const,
    clusterDomain: 'cluster.local',
    timeoutSeconds: 2,
    windowSeconds: 60,
    servers: [{ server, role, probes, window: window.stats() }],
  });
}
