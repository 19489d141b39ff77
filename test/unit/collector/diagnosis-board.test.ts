import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../collector/diagnosis/diagnosis.js';
import { DiagnosisBoard } from '../../../collector/diagnosis/diagnosis-board.js';
import type { NodeReadiness, ReadinessListener } from '../../../collector/diagnosis/node-readiness.js';
import type { AgentIdentity, IncomingReport, NodeRecord } from '../../../collector/store/node-store.js';
import type { Finding__Output } from '../../../proto/gen/nodedoc/v1/Finding.js';

const critical: Finding__Output = {
  check: 'CHECK_ID_KUBELET_HEALTH',
  cause: 'CAUSE_ID_KUBELET_DOWN',
  severity: 'SEVERITY_CRITICAL',
  summary: 'kubelet /healthz failed twice',
  subject: '',
  detailsJson: '',
};

function identity(node: string, epoch = '7'): AgentIdentity {
  return {
    node,
    epoch,
    bootId: '',
    agentVersion: '0.1.0',
    kernel: '',
    os: '',
    capabilities: [],
    intervalMs: 1_000,
  };
}

function incoming(sequence: number, findings: Finding__Output[] = []): IncomingReport {
  return {
    sequence: String(sequence),
    sampledAtMs: sequence * 1_000,
    bootId: '',
    findings,
    signals: [],
    vitals: null,
    samplesJson: '',
    sampleDurationSeconds: 0,
  };
}

/** A board on a clock the test moves, and every announcement it makes. */
function setup() {
  let now = 100_000;
  const board = new DiagnosisBoard(() => now);
  const events: Array<[string, Diagnosis['status'], string[]]> = [];
  board.subscribe((node, diagnosis) =>
    events.push([node, diagnosis.status, diagnosis.causes.map((c) => c.id)]),
  );
  return {
    board,
    events,
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
  };
}

describe('DiagnosisBoard', () => {
  it('announces a new node, then only changes of status or causes', () => {
    const { board, events, now } = setup();
    board.hello(identity('n1'));
    board.observe('n1', '7', [incoming(1)], now());
    board.observe('n1', '7', [incoming(2, [critical])], now());
    board.observe(
      'n1',
      '7',
      [incoming(3, [{ ...critical, summary: 'kubelet /healthz failed 3 times' }])],
      now(),
    );
    expect(events).toEqual([
      ['n1', 'Ready', []],
      ['n1', 'NotReady', ['kubelet-down']],
      // Confidence moved from 0.33 to 0.67: the cause changed, the summary alone would not have.
      ['n1', 'NotReady', ['kubelet-down']],
    ]);
  });

  it('ignores replays already folded in, so runs are not counted twice', () => {
    const { board, now } = setup();
    board.hello(identity('n1'));
    board.observe('n1', '7', [incoming(1, [critical]), incoming(2, [critical])], now());
    board.observe('n1', '7', [incoming(1, [critical]), incoming(2, [critical])], now());
    expect(board.entry('n1')?.diagnosis.causes[0]?.evidence[0]?.reports).toBe(2);
  });

  it('starts runs over in a new epoch (a fresh spool restarts the sequences)', () => {
    const { board, now } = setup();
    board.hello(identity('n1', '7'));
    board.observe('n1', '7', [incoming(5, [critical])], now());
    board.hello(identity('n1', '8'));
    board.observe('n1', '8', [incoming(1, [critical])], now());
    expect(board.entry('n1')?.diagnosis.causes[0]?.evidence[0]?.reports).toBe(2);
  });

  it('turns a silent node Unreachable on the sweep after three intervals, and back when it reports', () => {
    const { board, events, advance, now } = setup();
    board.hello(identity('n1'));
    board.observe('n1', '7', [incoming(1, [critical])], now());
    advance(3_000);
    board.sweep();
    expect(events.at(-1)?.[1]).toBe('NotReady');
    advance(1);
    board.sweep();
    expect(events.at(-1)).toEqual(['n1', 'Unreachable', ['node-unreachable', 'kubelet-down']]);
    const count = events.length;
    board.sweep();
    expect(events).toHaveLength(count);
    board.observe('n1', '7', [incoming(2, [critical])], now());
    expect(events.at(-1)?.[1]).toBe('NotReady');
    expect(board.statuses()).toEqual([['n1', 'NotReady']]);
  });

  it('loads nodes from the store unseeded, and seeds runs from a timeline once', () => {
    const { board, events } = setup();
    const record: NodeRecord = {
      node: 'n2',
      identity: identity('n2'),
      ingest: { received: 3, lastSeq: '3', gaps: 0, duplicates: 0 },
      firstSeenMs: 90_000,
      lastSeenMs: 99_500,
      latest: { ...incoming(3, [critical]), receivedAtMs: 99_500 },
    };
    board.load([record]);
    expect(events).toEqual([]);
    expect(board.entry('n2')).toMatchObject({ seeded: false, diagnosis: { status: 'NotReady' } });
    board.seed(
      'n2',
      [1, 2, 3].map((sequence) => ({ ...incoming(sequence, [critical]), receivedAtMs: 0 })),
    );
    const cause = board.entry('n2')?.diagnosis.causes[0];
    expect(cause?.evidence[0]).toMatchObject({ firstSeenMs: 1_000, lastSeenMs: 3_000, reports: 3 });
    expect(cause?.confidence).toBe(1);
    expect(board.entry('n2')?.seeded).toBe(true);
  });

  it('forgets nodes last seen before the retention cut-off', () => {
    const { board, advance } = setup();
    board.hello(identity('old'));
    advance(10_000);
    board.hello(identity('new'));
    expect(board.forget(105_000)).toEqual(['old']);
    expect(board.entries().map((entry) => entry.node)).toEqual(['new']);
  });

  it('re-judges and announces a node when the API changes its readiness, until closed', () => {
    let condition: NodeReadiness | undefined;
    const listeners = new Set<ReadinessListener>();
    const now = 100_000;
    const board = new DiagnosisBoard({
      now: () => now,
      readiness: {
        get: () => condition,
        subscribe: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
    });
    const events: Array<[string, string[]]> = [];
    board.subscribe((_node, diagnosis) => events.push([diagnosis.status, diagnosis.causes.map((c) => c.id)]));
    board.hello(identity('n1'));
    const notReady: NodeReadiness = {
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      sinceMs: now,
      heartbeatMs: now - 40_000,
      observedAtMs: now,
    };
    condition = notReady;
    for (const listener of listeners) listener('n1', notReady);
    expect(events).toEqual([
      ['Ready', []],
      ['NotReady', ['kubelet-down']],
    ]);
    expect(board.activeCauses()).toEqual([
      { node: 'n1', cause: 'kubelet-down', severity: 'critical', scope: 'node' },
    ]);
    board.close();
    expect(listeners.size).toBe(0);
  });
});
