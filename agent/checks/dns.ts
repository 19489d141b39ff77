import { formatDuration } from '../../common/duration.js';
import type { Finding } from '../finding.js';
import type { DnsOutcome, DnsSample, DnsServerSample } from '../sample-types.js';
import { type Check, finding } from './check.js';

/** Failure outcomes in the order a summary lists them. */
const FAILURE_OUTCOMES: readonly DnsOutcome[] = ['timeout', 'refused', 'rcode', 'error'];

function seconds(value: number): string {
  return formatDuration(value * 1000);
}

/** "timeout 3, refused 1": the failing outcomes of the window that occurred. */
function failureBreakdown(server: DnsServerSample): string {
  return FAILURE_OUTCOMES.filter((outcome) => server.window.outcomes[outcome] > 0)
    .map((outcome) => `${outcome} ${server.window.outcomes[outcome]}`)
    .join(', ');
}

function whoSuffers(server: DnsServerSample): string {
  return server.role === 'cluster'
    ? 'pods on this node cannot resolve service or external names'
    : "the node's upstream resolver fails, so CoreDNS forwarding and hostNetwork pods fail with it";
}

function evidence(dns: DnsSample, server: DnsServerSample): Record<string, unknown> {
  return { role: server.role, windowSeconds: dns.windowSeconds, window: server.window };
}

/**
 * dns-errors: at least `dns-failure-ratio` of the window's probes to one server failed (timeout, refused,
 * bad rcode, error). dns-latency: the window's p95 is above `dns-latency-seconds`, or some probes timed
 * out while most succeeded: each such loss is a full resolver timeout (5 s by default in glibc) for the
 * pod that hit it, the "5 s tail" that percentiles of answered probes never show.
 */
export const dnsChecks: Check = ({ dns }, t) => {
  if (dns.status !== 'ok') return [];
  const failureLimit = t['dns-failure-ratio'];
  const latencyLimit = t['dns-latency-seconds'];
  const window = formatDuration(dns.windowSeconds * 1000);
  const findings: Finding[] = [];

  for (const server of dns.servers) {
    const stats = server.window;
    if (stats.probes === 0) continue;
    const failing = stats.failureRatio >= failureLimit;
    if (failing) {
      findings.push(
        finding(
          'dns-errors',
          'critical',
          `${stats.failures} of ${stats.probes} probes to ${server.server} failed in the last ${window} (${failureBreakdown(server)}): ${whoSuffers(server)}.`,
          stats.failureRatio,
          failureLimit,
          { subject: server.server, details: evidence(dns, server) },
        ),
      );
    }

    const p95 = stats.p95Seconds;
    const slow = p95 !== null && p95 > latencyLimit;
    const tail = stats.timeouts > 0 && !failing;
    if (!slow && !tail) continue;
    const p95Text = p95 === null ? 'no answer' : `p95 ${seconds(p95)}`;
    const lost = `${stats.timeouts} of ${stats.probes} probes`;
    const timeout = seconds(dns.timeoutSeconds);
    const summary = slow
      ? `DNS answers from ${server.server} are slow: ${p95Text} over ${stats.answered} answered probes in the last ${window} (threshold ${seconds(latencyLimit)})${tail ? `; ${lost} also got no answer within ${timeout}` : ''}.`
      : `${lost} to ${server.server} got no answer within ${timeout} in the last ${window} while most were answered (${p95Text}): each loss stalls the pod that sent it for a full resolver timeout (5 s by default in glibc).`;
    findings.push(
      finding('dns-latency', 'warning', summary, slow ? p95 : dns.timeoutSeconds, latencyLimit, {
        subject: server.server,
        details: evidence(dns, server),
      }),
    );
  }
  return findings;
};
