import { describe, expect, it } from 'vitest';
import type { EvidenceItem } from '../../../collector/diagnosis/diagnosis.js';
import { advanceRuns, runsOf } from '../../../collector/diagnosis/finding-runs.js';
import {
  CONFIRMING_REPORTS,
  diagnose,
  UNREACHABLE_INTERVALS,
} from '../../../collector/diagnosis/interim-diagnosis.js';
import type { Finding__Output } from '../../../proto/gen/nodedoc/v1/Finding.js';

const INTERVAL = 10_000;
const NOW = 1_800_000_000_000;

function found(overrides: Partial<Finding__Output> = {}): Finding__Output {
  return {
    check: 'CHECK_ID_MEMORY_AVAILABLE',
    cause: 'CAUSE_ID_MEMORY_PRESSURE',
    severity: 'SEVERITY_WARNING',
    summary: 'MemAvailable is low',
    subject: '',
    detailsJson: '',
    ...overrides,
  };
}

function evidence(finding: Finding__Output, reports = 1): EvidenceItem {
  return { finding, firstSeenMs: NOW - reports * INTERVAL, lastSeenMs: NOW, reports };
}

const fresh = (items: EvidenceItem[]) =>
  diagnose({ evidence: items, lastSeenMs: NOW, intervalMs: INTERVAL, nowMs: NOW });

describe('interim status', () => {
  it('is Ready without findings, AtRisk with a warning, NotReady with a critical, whatever the order', () => {
    expect(fresh([]).status).toBe('Ready');
    expect(
      fresh([evidence(found({ severity: 'SEVERITY_INFO', cause: 'CAUSE_ID_NODE_REBOOT' }))]).status,
    ).toBe('Ready');
    expect(fresh([evidence(found())]).status).toBe('AtRisk');
    const mixed = [
      evidence(found()),
      evidence(
        found({
          check: 'CHECK_ID_KUBELET_HEALTH',
          cause: 'CAUSE_ID_KUBELET_DOWN',
          severity: 'SEVERITY_CRITICAL',
        }),
      ),
    ];
    expect(fresh(mixed).status).toBe('NotReady');
    expect(fresh([...mixed].reverse()).status).toBe('NotReady');
  });

  it('turns Unreachable only after more than three intervals of silence', () => {
    const at = (silentMs: number) =>
      diagnose({ evidence: [], lastSeenMs: NOW - silentMs, intervalMs: INTERVAL, nowMs: NOW });
    expect(at(UNREACHABLE_INTERVALS * INTERVAL).status).toBe('Ready');
    const silent = at(UNREACHABLE_INTERVALS * INTERVAL + 1);
    expect(silent.status).toBe('Unreachable');
    expect(silent.causes).toEqual([
      {
        id: 'node-unreachable',
        scope: 'node',
        severity: 'critical',
        confidence: 1,
        summary: 'No report from the agent for 30.001s (more than 3 intervals of 10s).',
        evidence: [],
        remediation: [],
        runbook: '/runbooks/node-unreachable',
      },
    ]);
  });

  it('keeps the last evidence before the silence after the node-unreachable cause', () => {
    const silent = diagnose({
      evidence: [evidence(found({ severity: 'SEVERITY_CRITICAL' }))],
      lastSeenMs: NOW - 45_000,
      intervalMs: INTERVAL,
      nowMs: NOW,
    });
    expect(silent.status).toBe('Unreachable');
    expect(silent.causes.map((cause) => cause.id)).toEqual(['node-unreachable', 'memory-pressure']);
    expect(silent.causes[0]?.summary).toBe(
      'No report from the agent for 45s (more than 3 intervals of 10s); the causes below rest on the last report before the silence.',
    );
  });
});

describe('interim causes', () => {
  it('groups findings by cause, takes severity and summary from the most severe, and ranks by severity', () => {
    const { causes } = fresh([
      evidence(
        found({
          check: 'CHECK_ID_DNS_LATENCY',
          cause: 'CAUSE_ID_DNS_LATENCY',
          summary: 'DNS slow',
          subject: '10.96.0.10:53',
        }),
      ),
      evidence(found({ summary: 'MemAvailable 300 MiB' })),
      evidence(
        found({
          check: 'CHECK_ID_MEMORY_PSI',
          severity: 'SEVERITY_CRITICAL',
          summary: 'memory PSI full 35%',
        }),
        3,
      ),
    ]);
    expect(causes.map((cause) => [cause.id, cause.severity, cause.summary, cause.evidence.length])).toEqual([
      ['memory-pressure', 'critical', 'memory PSI full 35%', 2],
      ['dns-latency', 'warning', 'DNS slow', 1],
    ]);
    // Evidence most severe first; every cause a node-scope cause with a runbook and no remediation yet.
    expect(causes[0]?.evidence.map((item) => item.finding.check)).toEqual([
      'CHECK_ID_MEMORY_PSI',
      'CHECK_ID_MEMORY_AVAILABLE',
    ]);
    for (const cause of causes) {
      expect(cause.scope).toBe('node');
      expect(cause.remediation).toEqual([]);
      expect(cause.runbook).toBe(`/runbooks/${cause.id}`);
    }
  });

  it('grows confidence with consecutive reports up to certainty at three, and ranks it among equal severities', () => {
    const confidence = (reports: number) => fresh([evidence(found(), reports)]).causes[0]?.confidence;
    expect([1, 2, 3, 10].map(confidence)).toEqual([0.33, 0.67, 1, 1]);
    expect(CONFIRMING_REPORTS).toBe(3);
    const { causes } = fresh([
      evidence(found({ check: 'CHECK_ID_DISK_SPACE', cause: 'CAUSE_ID_DISK_PRESSURE' }), 1),
      evidence(found({ check: 'CHECK_ID_IO_PSI', cause: 'CAUSE_ID_IO_SATURATION' }), 3),
    ]);
    expect(causes.map((cause) => cause.id)).toEqual(['io-saturation', 'disk-pressure']);
  });
});

describe('finding runs', () => {
  const memory = found();
  const disk = found({
    check: 'CHECK_ID_DISK_SPACE',
    cause: 'CAUSE_ID_DISK_PRESSURE',
    subject: '/var/lib/kubelet',
  });
  const otherDisk = { ...disk, subject: '/var/lib/containerd' };

  it('keeps a finding’s first-seen time while it stays, and starts over after a report without it', () => {
    const runs = runsOf([
      { findings: [memory], sampledAtMs: 1_000 },
      { findings: [memory, disk], sampledAtMs: 2_000 },
      { findings: [disk], sampledAtMs: 3_000 },
      { findings: [disk, memory, otherDisk], sampledAtMs: 4_000 },
    ]);
    expect(
      [...runs.values()].map((item) => [
        item.finding.check,
        item.finding.subject,
        item.firstSeenMs,
        item.lastSeenMs,
        item.reports,
      ]),
    ).toEqual([
      ['CHECK_ID_DISK_SPACE', '/var/lib/kubelet', 2_000, 4_000, 3],
      ['CHECK_ID_MEMORY_AVAILABLE', '', 4_000, 4_000, 1],
      ['CHECK_ID_DISK_SPACE', '/var/lib/containerd', 4_000, 4_000, 1],
    ]);
  });

  it('carries the latest finding (its new numbers) forward', () => {
    const first = advanceRuns(new Map(), [memory], 1_000);
    const next = advanceRuns(
      first,
      [{ ...memory, summary: 'MemAvailable 50 MiB', severity: 'SEVERITY_CRITICAL' }],
      2_000,
    );
    expect([...next.values()][0]).toMatchObject({
      firstSeenMs: 1_000,
      lastSeenMs: 2_000,
      reports: 2,
      finding: { summary: 'MemAvailable 50 MiB', severity: 'SEVERITY_CRITICAL' },
    });
  });
});
