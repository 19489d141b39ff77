import { describe, expect, it } from 'vitest';
import type { CauseView } from '../../../collector/diagnosis/diagnosis.js';
import type { BoardEntry } from '../../../collector/diagnosis/diagnosis-board.js';
import { fleetToJson } from '../../../collector/views/json-view.js';

function cause(id: CauseView['id'], scope: CauseView['scope'], severity: CauseView['severity']): CauseView {
  return {
    id,
    scope,
    severity,
    confidence: 1,
    summary: `${id} ${severity}`,
    evidence: [],
    remediation: [],
    runbook: `/runbooks/${id}`,
  };
}

function entry(node: string, causes: CauseView[]): BoardEntry {
  return {
    node,
    lastSeenMs: 0,
    intervalMs: 10_000,
    seeded: true,
    diagnosis: { status: causes.length ? 'AtRisk' : 'Ready', causes },
  };
}

describe('fleetToJson', () => {
  it('reports each fleet cause once with its nodes, the most severe node standing for it', () => {
    const fleet = fleetToJson([
      entry('c', [cause('dns-latency', 'fleet', 'warning')]),
      entry('a', [cause('dns-latency', 'fleet', 'critical'), cause('disk-pressure', 'node', 'critical')]),
      entry('b', [
        cause('dns-latency', 'fleet', 'warning'),
        cause('apiserver-unreachable', 'fleet', 'warning'),
      ]),
      entry('d', []),
    ]);
    expect(fleet.nodes).toBe(4);
    expect(fleet.causes.map((c) => [c.id, c.severity, c.summary, c.nodes])).toEqual([
      ['dns-latency', 'critical', 'dns-latency critical', ['a', 'b', 'c']],
      ['apiserver-unreachable', 'warning', 'apiserver-unreachable warning', ['b']],
    ]);
  });
});
