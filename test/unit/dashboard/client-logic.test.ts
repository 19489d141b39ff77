import { describe, expect, it } from 'vitest';
import { CHART_SPECS, thresholdsOf } from '../../../collector/dashboard/client/chart-specs.js';
import { findingChanges } from '../../../collector/dashboard/client/findings-timeline.js';
import type { FindingJson, TimelinePointJson } from '../../../common/api/http-v1.js';

const kubeletDown: FindingJson = {
  check: 'kubelet-health',
  cause: 'kubelet-down',
  severity: 'critical',
  summary: 'The kubelet failed 2 health checks in a row',
  value: 2,
  threshold: 2,
};
const slowDns = (subject: string): FindingJson => ({
  check: 'dns-latency',
  cause: 'dns-latency',
  severity: 'warning',
  summary: `DNS answers from ${subject} are slow`,
  value: 0.4,
  threshold: 0.3,
  subject,
});

function point(second: number, findings: FindingJson[]): TimelinePointJson {
  const at = new Date(Date.UTC(2026, 10, 23, 3, 0, second)).toISOString();
  return { sequence: String(second), sampledAt: at, receivedAt: at, bootId: 'b', vitals: {}, findings };
}

describe('findingChanges (the node view’s findings timeline)', () => {
  it('notes each finding (check and subject) when raised and when cleared, newest first', () => {
    const changes = findingChanges([
      point(0, []),
      point(1, [kubeletDown]),
      point(2, [kubeletDown, slowDns('10.96.0.10:53')]),
      point(3, [slowDns('10.96.0.10:53'), slowDns('10.0.0.2:53')]),
      point(4, []),
    ]);
    expect(
      changes.map((change) => [
        change.at.slice(17, 19),
        change.kind,
        change.finding.subject ?? change.finding.check,
      ]),
    ).toEqual([
      ['04', 'cleared', '10.0.0.2:53'],
      ['04', 'cleared', '10.96.0.10:53'],
      ['03', 'cleared', 'kubelet-health'],
      ['03', 'raised', '10.0.0.2:53'],
      ['02', 'raised', '10.96.0.10:53'],
      ['01', 'raised', 'kubelet-health'],
    ]);
  });

  it('keeps the newest 50 changes of a flapping check', () => {
    const points = Array.from({ length: 80 }, (_, index) =>
      point(index % 60, index % 2 ? [kubeletDown] : []),
    );
    const changes = findingChanges(points);
    expect(changes).toHaveLength(50);
    expect(changes[0]?.kind).toBe('raised');
  });
});

describe('thresholdsOf (lines drawn on the vitals charts)', () => {
  const dns = CHART_SPECS.find((spec) => spec.id === 'dns');
  if (!dns) throw new Error('no dns chart');

  it('draws the DESIGN.md default, plus a current finding’s own threshold when it differs', () => {
    expect(thresholdsOf(dns, []).map((line) => line.value)).toEqual([0.25]);
    expect(thresholdsOf(dns, [slowDns('10.96.0.10:53')])).toEqual([
      { value: 0.25, severity: 'warning', label: '250 ms' },
      { value: 0.3, severity: 'warning', label: 'finding 300 ms' },
    ]);
    // Same value as the default, or a finding of another check: nothing added.
    expect(thresholdsOf(dns, [{ ...slowDns('x'), threshold: 0.25 }, kubeletDown])).toHaveLength(1);
  });

  it('covers CPU, memory, disk, conntrack and DNS, each with a threshold', () => {
    expect(CHART_SPECS.map((spec) => spec.id)).toEqual(['cpu', 'memory', 'disk', 'conntrack', 'dns']);
    for (const spec of CHART_SPECS) expect(spec.thresholds.length, spec.id).toBeGreaterThan(0);
  });
});
