import { describe, expect, it } from 'vitest';
import { AlertLedger } from '../../../collector/alerting/alert-ledger.js';
import {
  ALERT_NAME,
  desiredAlerts,
  MAX_EVIDENCE_LINES,
  MAX_NODES_LISTED,
} from '../../../collector/alerting/desired-alerts.js';
import type { CauseView, EvidenceItem } from '../../../collector/diagnosis/diagnosis.js';
import type { BoardEntry } from '../../../collector/diagnosis/diagnosis-board.js';
import type { CauseIdString, SeverityString } from '../../../common/ids.js';

const BASE = new URL('http://nodedoc.test:8080/');
const T = Date.parse('2026-11-23T10:00:00Z');

function evidence(summary: string, firstSeenMs: number): EvidenceItem {
  return {
    finding: {
      check: 'CHECK_ID_MEMORY_AVAILABLE',
      cause: 'CAUSE_ID_MEMORY_PRESSURE',
      severity: 'SEVERITY_CRITICAL',
      summary,
      subject: '',
      detailsJson: '',
      value: 1,
      threshold: 2,
    },
    firstSeenMs,
    lastSeenMs: firstSeenMs,
    reports: 1,
  };
}

function cause(
  id: CauseIdString,
  options: { scope?: 'node' | 'fleet'; severity?: SeverityString; items?: EvidenceItem[] } = {},
): CauseView {
  return {
    id,
    scope: options.scope ?? 'node',
    severity: options.severity ?? 'critical',
    confidence: 0.67,
    summary: `${id} summary`,
    evidence: options.items ?? [evidence(`${id} finding`, T)],
    remediation: [],
    runbook: `/runbooks/${id}`,
  };
}

function entry(node: string, causes: CauseView[]): BoardEntry {
  return {
    node,
    lastSeenMs: T,
    intervalMs: 10_000,
    seeded: true,
    diagnosis: { status: 'NotReady', causes },
  };
}

const labelsOf = (alerts: ReturnType<typeof desiredAlerts>) =>
  [...alerts.values()].map((alert) => alert.labels);

describe('desired alerts', () => {
  it('makes one alert per node cause, labelled and linked, ranked in its description', () => {
    const alerts = desiredAlerts(
      [entry('node/1', [cause('conntrack-exhaustion'), cause('dns-failure', { severity: 'warning' })])],
      BASE,
    );
    expect(labelsOf(alerts)).toEqual([
      {
        alertname: ALERT_NAME,
        node: 'node/1',
        cause: 'conntrack-exhaustion',
        severity: 'critical',
        scope: 'node',
      },
      { alertname: ALERT_NAME, node: 'node/1', cause: 'dns-failure', severity: 'warning', scope: 'node' },
    ]);
    const [, second] = [...alerts.values()];
    expect(second?.annotations).toEqual({
      summary: 'dns-failure summary',
      description: 'Node node/1 is NotReady; dns-failure is cause 2 of 2 (confidence 0.67).',
      evidence: '- dns-failure finding',
      runbook_url: 'http://nodedoc.test:8080/runbooks/dns-failure',
    });
    // The node name is one path segment, whatever it contains.
    expect(second?.generatorURL).toBe('http://nodedoc.test:8080/api/v1/nodes/node%2F1');
  });

  it('leaves out the evidence annotation when a cause rests on no finding, and caps it otherwise', () => {
    const many = Array.from({ length: MAX_EVIDENCE_LINES + 2 }, (_, i) => evidence(`finding ${i}`, T + i));
    const alerts = [
      ...desiredAlerts(
        [entry('n1', [cause('node-unreachable', { items: [] }), cause('oom-kill', { items: many })])],
        BASE,
      ).values(),
    ];
    expect(alerts[0]?.annotations.evidence).toBeUndefined();
    expect(alerts[0]?.startedAtMs).toBeUndefined();
    expect(alerts[1]?.annotations.evidence?.split('\n')).toEqual([
      '- finding 0',
      '- finding 1',
      '- finding 2',
      '- finding 3',
      '- finding 4',
      '- … and 2 more',
    ]);
    expect(alerts[1]?.startedAtMs).toBe(T);
  });

  it('makes one alert per fleet cause, without a node label, with the worst severity and the nodes listed', () => {
    const nodes = Array.from({ length: MAX_NODES_LISTED + 3 }, (_, i) => `n${String(i).padStart(3, '0')}`);
    const alerts = desiredAlerts(
      nodes.map((node, i) =>
        entry(node, [
          cause('dns-latency', {
            scope: 'fleet',
            severity: i === 7 ? 'critical' : 'warning',
            items: [evidence('p95 400 ms', T + 1_000 - i)],
          }),
        ]),
      ),
      BASE,
    );
    expect(labelsOf(alerts)).toEqual([
      { alertname: ALERT_NAME, cause: 'dns-latency', severity: 'critical', scope: 'fleet' },
    ]);
    const [fleet] = [...alerts.values()];
    expect(fleet?.annotations.nodes).toBe(`${nodes.slice(0, MAX_NODES_LISTED).join(', ')} … and 3 more`);
    expect(fleet?.startedAtMs).toBe(T + 1_000 - (nodes.length - 1));
    expect(fleet?.generatorURL).toBe('http://nodedoc.test:8080/api/v1/fleet');
  });
});

describe('alert ledger', () => {
  const desired = (entries: BoardEntry[]) => desiredAlerts(entries, BASE);

  it('starts, keeps and resolves alerts, rendering endsAt as asked', () => {
    const ledger = new AlertLedger();
    const first = ledger.update(desired([entry('n1', [cause('kubelet-down')])]), T + 5_000);
    expect(first.resolved).toEqual([]);
    expect(first.started).toHaveLength(1);
    const [[key, alert] = []] = ledger.firing(T + 65_000);
    expect(key).toBe(first.started[0]);
    expect(alert).toMatchObject({ startsAt: '2026-11-23T10:00:00.000Z', endsAt: '2026-11-23T10:01:05.000Z' });

    expect(ledger.update(desired([entry('n1', [cause('kubelet-down')])]), T + 6_000)).toEqual({
      resolved: [],
      started: [],
    });

    const cleared = ledger.update(desired([entry('n1', [])]), T + 9_000);
    expect(cleared.started).toEqual([]);
    expect(cleared.resolved.map(([, resolved]) => [resolved.labels.cause, resolved.endsAt])).toEqual([
      ['kubelet-down', '2026-11-23T10:00:09.000Z'],
    ]);
    expect(ledger.size).toBe(0);
  });

  it('resolves every alert of a node that is gone from the board (forgotten)', () => {
    const ledger = new AlertLedger();
    ledger.update(
      desired([entry('n1', [cause('kubelet-down'), cause('oom-kill')]), entry('n2', [cause('oom-kill')])]),
      T,
    );
    const change = ledger.update(desired([entry('n2', [cause('oom-kill')])]), T + 1_000);
    expect(change.resolved.map(([, alert]) => [alert.labels.node, alert.labels.cause])).toEqual([
      ['n1', 'kubelet-down'],
      ['n1', 'oom-kill'],
    ]);
  });

  it('treats a severity change as a new alert: the old label set resolves', () => {
    const ledger = new AlertLedger();
    ledger.update(desired([entry('n1', [cause('disk-pressure', { severity: 'warning' })])]), T);
    const change = ledger.update(
      desired([entry('n1', [cause('disk-pressure', { severity: 'critical' })])]),
      T + 1,
    );
    expect(change.resolved.map(([, alert]) => alert.labels.severity)).toEqual(['warning']);
    expect(change.started).toHaveLength(1);
    expect(ledger.firing(T + 2).map(([, alert]) => alert.labels.severity)).toEqual(['critical']);
  });

  it('never starts an alert after now (an agent clock ahead), and moves startsAt back when older evidence turns up', () => {
    const ledger = new AlertLedger();
    const ahead = [evidence('from the future', T + 3_600_000)];
    ledger.update(desired([entry('n1', [cause('clock-skew', { items: ahead })])]), T);
    expect(ledger.firing(T + 1).map(([, alert]) => alert.startsAt)).toEqual(['2026-11-23T10:00:00.000Z']);
    // After a restart the runs are rebuilt from the timeline: the cause turns out to be older.
    const older = [evidence('rebuilt', T - 60_000)];
    ledger.update(desired([entry('n1', [cause('clock-skew', { items: older })])]), T + 1_000);
    expect(ledger.firing(T + 2_000).map(([, alert]) => alert.startsAt)).toEqual(['2026-11-23T09:59:00.000Z']);
    // A later start (newer evidence run) does not move it forward again.
    ledger.update(desired([entry('n1', [cause('clock-skew', { items: ahead })])]), T + 2_000);
    expect(ledger.firing(T + 3_000).map(([, alert]) => alert.startsAt)).toEqual(['2026-11-23T09:59:00.000Z']);
  });

  it('renders only the keys asked for', () => {
    const ledger = new AlertLedger();
    const { started } = ledger.update(
      desired([entry('n1', [cause('kubelet-down')]), entry('n2', [cause('oom-kill')])]),
      T,
    );
    expect(ledger.firing(T, [started[1] ?? '', 'unknown']).map(([, alert]) => alert.labels.node)).toEqual([
      'n2',
    ]);
  });
});
