import { Counter, Histogram } from 'prom-client';
import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

/**
 * From a cached answer on loopback (well under 1 ms) through a healthy CoreDNS (a few ms) and a slow
 * upstream (hundreds of ms) to the timeouts a client sees (1 s, 2 s, 5 s resolver timeouts).
 */
export const DNS_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * nodedoc_dns_probe_duration_seconds{server,protocol}: round trip of every probe that got an answer,
 * observed once per probe as each cycle lands (so rate() and histogram_quantile() work across scrapes).
 * nodedoc_dns_probes_total{server,protocol,outcome}: every probe by outcome. nodedoc_dns_failure_ratio
 * {server}: the failure ratio of the agent's sliding window, what the dns-errors check compares.
 */
export function registerDnsMetrics({ registry, board }: MetricsContext): void {
  const duration = new Histogram({
    name: 'nodedoc_dns_probe_duration_seconds',
    help: 'Round trip of DNS probes that got an answer, by server and protocol (udp, tcp).',
    labelNames: ['server', 'protocol'],
    buckets: DNS_LATENCY_BUCKETS,
    registers: [registry],
  });
  const probes = new Counter({
    name: 'nodedoc_dns_probes_total',
    help: 'DNS probes sent, by server, protocol and outcome (ok, late, timeout, refused, rcode, error).',
    labelNames: ['server', 'protocol', 'outcome'],
    registers: [registry],
  });
  board.subscribe(({ samples: { dns } }) => {
    if (dns.status !== 'ok') return;
    for (const { server, probes: results } of dns.servers) {
      for (const { protocol, outcome, latencySeconds } of results) {
        probes.inc({ server, protocol, outcome });
        if (latencySeconds !== null) duration.observe({ server, protocol }, latencySeconds);
      }
    }
  });
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_dns_failure_ratio',
      help: 'Share of DNS probes to a server that failed over the agent sliding window (--dns-window).',
      labelNames: ['server'],
    },
    ({ samples: { dns } }) =>
      dns.status === 'ok'
        ? dns.servers.map(({ server, window }) => [{ server }, window.failureRatio] as const)
        : [],
  );
}
