import { describe, expect, it } from 'vitest';
import { EventHold, MAX_HELD_EVENTS } from '../../../agent/kernel/event-hold.js';
import { matchKernelMessage } from '../../../agent/kernel/kernel-patterns.js';
import type { KmsgRecord } from '../../../agent/kernel/kmsg-record.js';
import { fixtureRecord } from './kernel-test-support.js';

/** Folding, holding and ageing out of kernel-log events, on real records with a controlled clock. */

const HOLD_MS = 300_000;
const T0 = Date.parse('2026-11-23T12:00:00.000Z');

function add(hold: EventHold, record: KmsgRecord, timeMs: number): void {
  const match = matchKernelMessage(record.message);
  if (!match) throw new Error(`record ${record.seq} matches no rule`);
  hold.add(match, { seq: record.seq, timeMs, message: record.message });
}

const SUMMARY = fixtureRecord('captured/oom-memcg-v1.kmsg', 426);
const KILLED = fixtureRecord('captured/oom-memcg-v1.kmsg', 427);
const HUNG_2S = fixtureRecord('captured/hung-task.kmsg', 2201);
const HUNG_4S = fixtureRecord('captured/hung-task.kmsg', 2239);

describe('folding records of one occurrence', () => {
  it('merges the summary and "Killed process" lines of one kill into one event', () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    add(hold, SUMMARY, T0);
    add(hold, KILLED, T0);
    const events = hold.snapshot(T0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'oom-kill',
      seq: 426,
      records: 2,
      fresh: true,
      message: KILLED.message,
      fields: {
        pid: 9522,
        cgroup: '/nodedoc-oom-capture',
        constraint: 'CONSTRAINT_MEMCG',
        anonRssBytes: 62024 * 1024,
      },
    });
    expect(hold.matchedTotal['oom-kill']).toBe(1);
    expect(hold.killRecordsThisCycle).toBe(1);
  });

  it('keeps two kills of a recycled pid apart, and lines of one pid seconds apart', () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    add(hold, SUMMARY, T0);
    add(hold, KILLED, T0);
    // Same pid again, both parts already taken: a new kill.
    add(hold, KILLED, T0 + 10);
    // A summary for the same pid two seconds after the last kill is not that kill's summary.
    add(hold, SUMMARY, T0 + 2_010);
    expect(hold.snapshot(T0 + 2_010).map((event) => event.records)).toEqual([2, 1, 1]);
    expect(hold.matchedTotal['oom-kill']).toBe(3);
  });

  it('folds repeated reports of one hung task, keeping the first time and the latest figure', () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    add(hold, HUNG_2S, T0);
    add(hold, HUNG_4S, T0 + 2_000);
    const [event] = hold.snapshot(T0 + 2_000);
    expect(event).toMatchObject({
      kind: 'hung-task',
      records: 2,
      time: new Date(T0).toISOString(),
      lastTime: new Date(T0 + 2_000).toISOString(),
      fields: { process: 'sh', pid: 12139, blockedSeconds: 4 },
    });
    expect(event?.message).toBe('INFO: task sh:12139 blocked for more than 4 seconds.');
    expect(hold.matchedTotal['hung-task']).toBe(1);
  });
});

describe('holding and ageing out', () => {
  it('holds an event for the hold after its last record, not fresh after its cycle, then drops it', () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    add(hold, KILLED, T0);
    expect(hold.snapshot(T0 + 5)[0]?.fresh).toBe(true);

    hold.beginCycle();
    const held = hold.snapshot(T0 + HOLD_MS);
    expect(held).toHaveLength(1);
    expect(held[0]?.fresh).toBe(false);

    hold.beginCycle();
    expect(hold.snapshot(T0 + HOLD_MS + 1)).toEqual([]);
    // The counter of matched events is not affected by ageing out.
    expect(hold.matchedTotal['oom-kill']).toBe(1);
  });

  it('a repeat keeps the event alive: the hold counts from the latest record', () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    add(hold, HUNG_2S, T0);
    hold.beginCycle();
    add(hold, HUNG_4S, T0 + 200_000);
    hold.beginCycle();
    expect(hold.snapshot(T0 + 450_000)).toHaveLength(1);
    hold.beginCycle();
    expect(hold.snapshot(T0 + 500_001)).toEqual([]);
  });

  it('with a zero hold an event is still reported in the cycle it was read', () => {
    const hold = new EventHold(0);
    hold.beginCycle();
    add(hold, KILLED, T0);
    expect(hold.snapshot(T0 + 1_000)).toHaveLength(1);
    hold.beginCycle();
    expect(hold.snapshot(T0 + 1_000)).toEqual([]);
  });

  it(`keeps at most ${MAX_HELD_EVENTS} events, dropping the oldest, and counts the drops`, () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    const extra = 7;
    for (let index = 0; index < MAX_HELD_EVENTS + extra; index += 1) {
      const pid = 1000 + index;
      const message = `Memory cgroup out of memory: Killed process ${pid} (stress-ng-vm) total-vm:798216kB, anon-rss:61640kB, file-rss:388kB, shmem-rss:0kB, UID:0 pgtables:588kB oom_score_adj:1000`;
      add(hold, { ...KILLED, seq: 5000 + index, message }, T0 + index);
    }
    const events = hold.snapshot(T0 + MAX_HELD_EVENTS + extra);
    expect(events).toHaveLength(MAX_HELD_EVENTS);
    expect(events[0]?.fields.pid).toBe(1000 + extra);
    expect(events.at(-1)?.fields.pid).toBe(1000 + MAX_HELD_EVENTS + extra - 1);
    expect(hold.eventsDropped).toBe(extra);
    expect(hold.matchedTotal['oom-kill']).toBe(MAX_HELD_EVENTS + extra);
  });

  it('holds kills vmstat counted without a record as an unknown-victim event', () => {
    const hold = new EventHold(HOLD_MS);
    hold.beginCycle();
    hold.addUnattributedKills(3, T0);
    expect(hold.snapshot(T0)).toEqual([
      {
        kind: 'oom-kill',
        time: new Date(T0).toISOString(),
        lastTime: new Date(T0).toISOString(),
        seq: null,
        records: 0,
        fresh: true,
        message: '/proc/vmstat oom_kill rose by 3 without a kernel-log record naming the victim',
        fields: { victim: 'unknown', kills: 3 },
      },
    ]);
    // Not a matched kernel-log record.
    expect(hold.matchedTotal['oom-kill']).toBe(0);
  });
});
