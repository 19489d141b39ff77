import { describe, expect, it } from 'vitest';
import { conntrackChecks } from '../../../agent/checks/conntrack.js';
import { evaluate } from '../../../agent/checks/index.js';
import { defaultThresholds, parseThresholds } from '../../../agent/config/thresholds.js';
import { absent, ok, unavailable } from '../../../agent/reading.js';
import type { ConntrackCounters, KernelEvent, Samples } from '../../../agent/sample-types.js';
import { byCheck, samplesWith } from '../../harness/samples.js';
import { kernelLogWith } from './kernel-test-support.js';

/** Check logic on constructed samples: one cycle's conntrack reading, plus kernel-log events. */

/** The namespace the constructed table belongs to. */
const OUR_NETNS = 4026532177;
const INTERVAL_SECONDS = 10;
const ZERO: ConntrackCounters = {
  found: 0,
  invalid: 0,
  insert: 0,
  insertFailed: 0,
  drop: 0,
  earlyDrop: 0,
  icmpError: 0,
  searchRestart: 0,
  clashResolve: 0,
  chainTooLong: 0,
};

function table(entries: number, max: number, moved?: Partial<ConntrackCounters>): Samples['conntrack'] {
  const deltas = moved ? { ...ZERO, ...moved } : null;
  const rates = deltas
    ? (Object.fromEntries(
        Object.entries(deltas).map(([key, value]) => [key, value === null ? null : value / INTERVAL_SECONDS]),
      ) as unknown as ConntrackCounters)
    : null;
  return ok({
    entries,
    max,
    utilizationRatio: max > 0 ? entries / max : null,
    cpus: 4,
    intervalSeconds: deltas ? INTERVAL_SECONDS : null,
    deltas,
    ratesPerSecond: rates,
    netnsInode: OUR_NETNS,
  });
}

function tableFull(
  message: string,
  records = 1,
  fields: Readonly<Record<string, string | number>> = {},
): KernelEvent {
  return {
    kind: 'conntrack-full',
    time: '2026-11-23T13:00:00.000Z',
    lastTime: '2026-11-23T13:00:04.000Z',
    seq: 1234,
    records,
    fresh: true,
    message,
    fields,
  };
}

function samples(conntrack: Samples['conntrack'], events?: readonly KernelEvent[]): Samples {
  return samplesWith(events ? { conntrack, kernel: kernelLogWith(events) } : { conntrack });
}

const run = (
  conntrack: Samples['conntrack'],
  events?: readonly KernelEvent[],
  thresholds = defaultThresholds(),
) => conntrackChecks(samples(conntrack, events), thresholds);

describe('conntrack-utilization', () => {
  it('says nothing below the warning ratio (74.9%)', () => {
    expect(run(table(749, 1000))).toEqual([]);
  });

  it('warns at 75% with the figures in the summary', () => {
    const [finding] = run(table(750, 1000));
    expect(finding).toMatchObject({
      check: 'conntrack-utilization',
      cause: 'conntrack-exhaustion',
      severity: 'warning',
      value: 0.75,
      threshold: 0.75,
    });
    expect(finding?.summary).toContain('750 of 1000 entries (75.0%)');
  });

  it('is critical at 90%', () => {
    const [finding] = run(table(235_930, 262_144));
    expect(finding).toMatchObject({ severity: 'critical', threshold: 0.9 });
    expect(finding?.value).toBeCloseTo(235_930 / 262_144, 12);
    expect(finding?.summary).toContain('235930 of 262144 entries (90.0%)');
  });

  it('follows --threshold overrides', () => {
    const thresholds = parseThresholds(['conntrack-warning-ratio=50%', 'conntrack-critical-ratio=0.6']);
    expect(run(table(55, 100), undefined, thresholds)[0]).toMatchObject({
      severity: 'warning',
      threshold: 0.5,
    });
    expect(run(table(60, 100), undefined, thresholds)[0]).toMatchObject({
      severity: 'critical',
      threshold: 0.6,
    });
  });

  it('cannot judge a table without a limit (nf_conntrack_max 0)', () => {
    expect(run(table(1_000_000, 0, { drop: 5 }))).toEqual([]);
  });

  it('says nothing when the signal is absent or unavailable', () => {
    expect(run(absent('conntrack not in use'))).toEqual([]);
    expect(run(unavailable('nf_conntrack_count: expected one integer'))).toEqual([]);
  });
});

describe('conntrack-drops (conntrack-exhaustion)', () => {
  it('is critical when the drop counter rose while the table is at least 98% full', () => {
    const findings = run(table(1000, 1000, { drop: 42, earlyDrop: 3 }));
    const [drops] = byCheck(findings, 'conntrack-drops');
    expect(drops).toMatchObject({
      cause: 'conntrack-exhaustion',
      severity: 'critical',
      value: 1,
      threshold: 0.98,
      details: { drops: 42, dropsPerSecond: 4.2, earlyDrops: 3, kernelLogLines: [] },
    });
    expect(drops?.summary).toContain('1000 of 1000 entries (100.0%)');
    expect(drops?.summary).toContain('42 packets dropped in the last 10.0 s');
    expect(byCheck(findings, 'conntrack-utilization')).toHaveLength(1);
    expect(byCheck(findings, 'conntrack-race')).toEqual([]);
  });

  it('is not blamed on exhaustion below the full ratio (97.9%)', () => {
    expect(byCheck(run(table(979, 1000, { drop: 42 })), 'conntrack-drops')).toEqual([]);
  });

  it('needs drops: a full table that drops nothing is only the utilisation finding', () => {
    expect(run(table(1000, 1000, {})).map((f) => f.check)).toEqual(['conntrack-utilization']);
  });

  it('counts "table full" kernel-log lines as drops, also on the first sample (no deltas yet)', () => {
    const line = 'nf_conntrack: nf_conntrack: table full, dropping packet';
    const [drops] = byCheck(run(table(990, 1000), [tableFull(line, 3)]), 'conntrack-drops');
    expect(drops?.summary).toContain('3 "table full, dropping packet" kernel-log lines');
    expect(drops?.details).toMatchObject({ drops: null, kernelLogLines: [line] });
  });

  it('keeps lines naming this namespace and ignores lines naming another one', () => {
    const ours = `nf_conntrack: nf_conntrack: table full in netns ${OUR_NETNS}, dropping packet`;
    const theirs = 'nf_conntrack: nf_conntrack: table full in netns 4026532999, dropping packet';
    expect(byCheck(run(table(1000, 1000), [tableFull(theirs)]), 'conntrack-drops')).toEqual([]);
    const [drops] = byCheck(run(table(1000, 1000), [tableFull(theirs), tableFull(ours)]), 'conntrack-drops');
    expect(drops?.details).toMatchObject({ kernelLogLines: [ours] });
  });

  it("goes by the kernel-log reader's parsed netns field when there is one", () => {
    const line = 'nf_conntrack: nf_conntrack: table full in netns 4026532999, dropping packet';
    const parsedOurs = tableFull(line, 2, { netns: OUR_NETNS });
    const parsedTheirs = tableFull(line, 2, { netns: 4026532999 });
    expect(byCheck(run(table(1000, 1000), [parsedTheirs]), 'conntrack-drops')).toEqual([]);
    expect(byCheck(run(table(1000, 1000), [parsedOurs]), 'conntrack-drops')).toHaveLength(1);
  });

  it('ignores kernel events of other kinds', () => {
    const oom: KernelEvent = { ...tableFull('Out of memory: Killed process 1 (x)'), kind: 'oom-kill' };
    expect(byCheck(run(table(1000, 1000), [oom]), 'conntrack-drops')).toEqual([]);
  });
});

describe('conntrack-race', () => {
  it('warns when insert_failed and drop both rise while the table has room', () => {
    const [race] = run(table(20_000, 262_144, { insertFailed: 12, drop: 12, clashResolve: 40 }));
    expect(race).toMatchObject({
      check: 'conntrack-race',
      cause: 'conntrack-race',
      severity: 'warning',
      value: 12,
      threshold: null,
      details: { insertFailedPerSecond: 1.2, dropsPerSecond: 1.2, clashResolve: 40, chainTooLong: 0 },
    });
    expect(race?.summary).toContain(
      '12 conntrack inserts failed and 12 packets were dropped in the last 10.0 s',
    );
    expect(race?.summary).toContain('20000 of 262144 entries (7.6%)');
    expect(race?.summary).not.toContain('nf_conntrack_buckets');
  });

  it('points at the hash size when the failures were over-long chains (5.15+)', () => {
    const [race] = run(table(100, 1000, { insertFailed: 9, drop: 9, chainTooLong: 7 }));
    expect(race?.summary).toContain('7 of the failed inserts hit an over-long hash chain');
    expect(race?.summary).toContain('nf_conntrack_buckets');
  });

  it('needs both counters rising', () => {
    expect(run(table(100, 1000, { insertFailed: 5 }))).toEqual([]);
    expect(run(table(100, 1000, { drop: 5 }))).toEqual([]);
  });

  it('is not the race once the table is critically full, nor on the first sample', () => {
    expect(byCheck(run(table(900, 1000, { insertFailed: 5, drop: 5 })), 'conntrack-race')).toEqual([]);
    expect(run(table(100, 1000))).toEqual([]);
  });

  it('still applies to a table without a limit', () => {
    expect(run(table(5_000, 0, { insertFailed: 1, drop: 1 })).map((f) => f.check)).toEqual([
      'conntrack-race',
    ]);
  });
});

describe('conntrack checks in the full evaluation', () => {
  it('come out of evaluate() most severe first', () => {
    const findings = evaluate(samples(table(1000, 1000, { drop: 1 })), defaultThresholds());
    expect(findings.map((f) => [f.check, f.severity])).toEqual([
      ['conntrack-utilization', 'critical'],
      ['conntrack-drops', 'critical'],
    ]);
  });
});
