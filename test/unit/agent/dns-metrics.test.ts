import { Histogram, type Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ProbeWindow } from '../../../agent/dns/probe-window.js';
import { DNS_LATENCY_BUCKETS, registerDnsMetrics } from '../../../agent/metrics/dns.js';
import { absent } from '../../../agent/reading.js';
import type { DnsProbeResult } from '../../../agent/sample-types.js';
import { promtoolCheckMetrics } from '../../harness/promtool.js';
import { metricsModule } from '../../harness/samples.js';
import { requires } from '../../harness/system-requirements.js';
import { dnsReading, probe } from './dns-test-support.js';

const tcp = (latencySeconds: number): DnsProbeResult => ({ ...probe('ok', latencySeconds), protocol: 'tcp' });

/** Histogram series carry their sample name (_bucket, _sum, _count); the generic JSON type hides it. */
async function histogramValues(registry: Registry) {
  const metric = registry.getSingleMetric('nodedoc_dns_probe_duration_seconds');
  if (!(metric instanceof Histogram))
    throw new Error('nodedoc_dns_probe_duration_seconds is not a histogram');
  return (await metric.get()).values;
}

async function values(registry: Registry, name: string) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values ?? [];
}

describe('DNS metrics', () => {
  it('observes every answered probe once per cycle and counts every probe by outcome', async () => {
    const { registry, publish } = metricsModule(registerDnsMetrics);
    const window = new ProbeWindow(60_000, () => 0);
    publish({ dns: dnsReading([probe('ok', 0.002), probe('timeout', null), tcp(0.004)], { window }) });
    publish({ dns: dnsReading([probe('late', 0.3), probe('refused', null), tcp(0.003)], { window }) });

    const histogram = await histogramValues(registry);
    const count = (protocol: string) =>
      histogram.find(
        (v) => v.metricName === 'nodedoc_dns_probe_duration_seconds_count' && v.labels.protocol === protocol,
      )?.value;
    const sum = (protocol: string) =>
      histogram.find(
        (v) => v.metricName === 'nodedoc_dns_probe_duration_seconds_sum' && v.labels.protocol === protocol,
      )?.value;
    expect(count('udp')).toBe(2);
    expect(sum('udp')).toBeCloseTo(0.302, 9);
    expect(count('tcp')).toBe(2);
    const bucket = (le: number) =>
      histogram.find(
        (v) =>
          v.metricName === 'nodedoc_dns_probe_duration_seconds_bucket' &&
          v.labels.protocol === 'udp' &&
          v.labels.le === le,
      )?.value;
    expect(bucket(0.0025)).toBe(1);
    expect(bucket(0.25)).toBe(1);
    expect(bucket(0.5)).toBe(2);

    const totals = await values(registry, 'nodedoc_dns_probes_total');
    const total = (protocol: string, outcome: string) =>
      totals.find((v) => v.labels.protocol === protocol && v.labels.outcome === outcome)?.value;
    expect([
      total('udp', 'ok'),
      total('udp', 'late'),
      total('udp', 'timeout'),
      total('udp', 'refused'),
    ]).toEqual([1, 1, 1, 1]);
    expect(total('tcp', 'ok')).toBe(2);
    expect(totals.every((v) => v.labels.server === '10.96.0.10:53')).toBe(true);

    // The window holds both cycles: 2 failures (timeout, refused) of 6.
    expect(await values(registry, 'nodedoc_dns_failure_ratio')).toEqual([
      expect.objectContaining({ labels: { server: '10.96.0.10:53' }, value: 2 / 6 }),
    ]);
  });

  it('drops the failure-ratio series when DNS is not probed, without touching the counters', async () => {
    const { registry, publish } = metricsModule(registerDnsMetrics);
    publish({ dns: dnsReading([probe('ok', 0.001)]) });
    publish({ dns: absent('no DNS server to probe') });
    expect(await values(registry, 'nodedoc_dns_failure_ratio')).toEqual([]);
    expect((await values(registry, 'nodedoc_dns_probes_total')).map((v) => v.value)).toEqual([1]);
  });

  it('uses buckets from 1 ms to 5 s', () => {
    expect(DNS_LATENCY_BUCKETS[0]).toBe(0.001);
    expect(DNS_LATENCY_BUCKETS.at(-1)).toBe(5);
    expect([...DNS_LATENCY_BUCKETS].sort((a, b) => a - b)).toEqual(DNS_LATENCY_BUCKETS);
  });

  describe.skipIf(requires({ commands: ['promtool'] }))('exposition', () => {
    it('passes promtool check metrics', async () => {
      const { registry, publish } = metricsModule(registerDnsMetrics);
      publish({
        dns: dnsReading([probe('ok', 0.002), probe('timeout', null), tcp(0.004)]),
      });
      const { code, problems } = await promtoolCheckMetrics(await registry.metrics());
      expect({ code, problems }).toEqual({ code: 0, problems: [] });
    });
  });
});
