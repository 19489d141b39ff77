import { describe, expect, it } from 'vitest';
import { dnsChecks } from '../../../agent/checks/dns.js';
import { defaultThresholds, parseThresholds } from '../../../agent/config/thresholds.js';
import { absent, unavailable } from '../../../agent/reading.js';
import type { DnsProbeResult } from '../../../agent/sample-types.js';
import { samplesWith } from '../../harness/samples.js';
import { dnsReading, probe } from './dns-test-support.js';

const repeat = (count: number, make: () => DnsProbeResult) => Array.from({ length: count }, make);

describe('dns checks', () => {
  it('raises dns-errors with the numbers when half or more of the probes to a server fail', () => {
    const probes = [
      ...repeat(3, () => probe('timeout')),
      probe('refused'),
      probe('ok', 0.002),
      probe('ok', 0.003),
    ];
    const findings = dnsChecks(samplesWith({ dns: dnsReading(probes) }), defaultThresholds());
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'dns-errors',
        cause: 'dns-failure',
        severity: 'critical',
        subject: '10.96.0.10:53',
        value: 4 / 6,
        threshold: 0.5,
      }),
    ]);
    expect(findings[0]?.summary).toMatch(
      /^4 of 6 probes to 10\.96\.0\.10:53 failed in the last 1m \(timeout 3, refused 1\): pods on this node/,
    );
  });

  it('treats the failure ratio as "at or above": exactly 0.5 fires, just below does not', () => {
    const half = [probe('rcode', 0.001), probe('ok', 0.001)];
    expect(
      dnsChecks(samplesWith({ dns: dnsReading(half) }), defaultThresholds()).map((f) => f.check),
    ).toEqual(['dns-errors']);
    const below = [probe('rcode', 0.001), probe('ok', 0.001), probe('ok', 0.001)];
    expect(dnsChecks(samplesWith({ dns: dnsReading(below) }), defaultThresholds())).toEqual([]);
  });

  it('raises dns-latency when p95 of the answers is above the threshold', () => {
    const probes = [...repeat(18, () => probe('ok', 0.004)), probe('late', 0.41), probe('late', 0.43)];
    const [latency, ...rest] = dnsChecks(samplesWith({ dns: dnsReading(probes) }), defaultThresholds());
    expect(rest).toEqual([]);
    expect(latency).toMatchObject({
      check: 'dns-latency',
      cause: 'dns-latency',
      severity: 'warning',
      subject: '10.96.0.10:53',
      value: 0.41,
      threshold: 0.25,
    });
    expect(latency?.summary).toBe(
      'DNS answers from 10.96.0.10:53 are slow: p95 410ms over 20 answered probes in the last 1m (threshold 250ms).',
    );
  });

  it('does not fire when only a few answers are slow (below the 95th percentile)', () => {
    const probes = [...repeat(39, () => probe('ok', 0.004)), probe('late', 0.9)];
    expect(dnsChecks(samplesWith({ dns: dnsReading(probes) }), defaultThresholds())).toEqual([]);
  });

  it('raises dns-latency for a timeout tail while failures stay below the ratio', () => {
    const probes = [...repeat(38, () => probe('ok', 0.003)), probe('timeout'), probe('timeout')];
    const findings = dnsChecks(samplesWith({ dns: dnsReading(probes) }), defaultThresholds());
    expect(findings).toEqual([
      expect.objectContaining({ check: 'dns-latency', severity: 'warning', value: 2, threshold: 0.25 }),
    ]);
    expect(findings[0]?.summary).toMatch(
      /^2 of 40 probes to 10\.96\.0\.10:53 got no answer within 2s in the last 1m while most were answered \(p95 3ms\)/,
    );
  });

  it('reports a failing server once as dns-errors, not also as a timeout tail', () => {
    const probes = [...repeat(3, () => probe('timeout')), probe('ok', 0.002)];
    expect(
      dnsChecks(samplesWith({ dns: dnsReading(probes) }), defaultThresholds()).map((f) => f.check),
    ).toEqual(['dns-errors']);
  });

  it('raises both when a server is failing and its few answers are also slow', () => {
    const probes = [...repeat(3, () => probe('timeout')), probe('late', 0.6)];
    expect(
      dnsChecks(samplesWith({ dns: dnsReading(probes) }), defaultThresholds()).map((f) => f.check),
    ).toEqual(['dns-errors', 'dns-latency']);
  });

  it('follows --threshold overrides', () => {
    const probes = [probe('timeout'), ...repeat(3, () => probe('ok', 0.1))];
    const strict = parseThresholds(['dns-failure-ratio=0.2', 'dns-latency-seconds=50ms']);
    expect(dnsChecks(samplesWith({ dns: dnsReading(probes) }), strict).map((f) => f.check)).toEqual([
      'dns-errors',
      'dns-latency',
    ]);
  });

  it('says what an upstream failure means', () => {
    const probes = repeat(2, () => probe('refused'));
    const [finding] = dnsChecks(
      samplesWith({ dns: dnsReading(probes, { server: '10.0.0.2:53', role: 'upstream' }) }),
      defaultThresholds(),
    );
    expect(finding?.summary).toMatch(/^2 of 2 probes to 10\.0\.0\.2:53 failed .*upstream resolver/);
  });

  it('is silent for a healthy server, an empty window, and absent or unavailable DNS', () => {
    const t = defaultThresholds();
    expect(dnsChecks(samplesWith({ dns: dnsReading(repeat(10, () => probe('ok', 0.002))) }), t)).toEqual([]);
    expect(dnsChecks(samplesWith({ dns: dnsReading([]) }), t)).toEqual([]);
    expect(dnsChecks(samplesWith({ dns: absent('no DNS server to probe') }), t)).toEqual([]);
    expect(dnsChecks(samplesWith({ dns: unavailable('config.yaml: not valid YAML') }), t)).toEqual([]);
  });
});
