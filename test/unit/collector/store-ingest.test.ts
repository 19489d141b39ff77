import { describe, expect, it } from 'vitest';
import { MAX_TIMELINE_LIMIT } from '../../../collector/store/sqlite-store.js';
import { EpochMismatchError, StoreInputError } from '../../../collector/store/store-errors.js';
import {
  BOOT_ID,
  identity,
  OOM_FINDING,
  report,
  reports,
  T0,
  useTempStores,
  VITALS,
} from './store-test-support.js';

/** Ingest, epochs, what comes back, and persistence, on real SQLite files. */

const stores = useTempStores();
const EPOCH_A = '7001';
const EPOCH_B = '7002';

async function openWithNode(node = 'node-a', epoch = EPOCH_A) {
  const dataDir = stores.dataDir();
  const store = stores.open(dataDir);
  await store.hello(identity(node, epoch), T0);
  return { store, dataDir };
}

describe('idempotency per (node, epoch, sequence)', () => {
  it('stores a batch in order and acknowledges its last sequence', async () => {
    const { store } = await openWithNode();
    expect(await store.ingest('node-a', EPOCH_A, reports(1, 3), T0 + 5)).toEqual({
      stored: 3,
      duplicates: 0,
      gaps: 0,
      ackSequence: '3',
    });
    const node = await store.getNode('node-a');
    expect(node?.ingest).toEqual({ received: 3, lastSeq: '3', gaps: 0, duplicates: 0 });
    expect((await store.timeline('node-a', 0, T0 * 2, 100)).map((entry) => entry.sequence)).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('counts a replay as duplicates and stores nothing twice', async () => {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 3), T0);
    expect(await store.ingest('node-a', EPOCH_A, reports(1, 3), T0 + 1)).toEqual({
      stored: 0,
      duplicates: 3,
      gaps: 0,
      ackSequence: '3',
    });
    expect(await store.ingest('node-a', EPOCH_A, reports(2, 5), T0 + 2)).toEqual({
      stored: 2,
      duplicates: 2,
      gaps: 0,
      ackSequence: '5',
    });
    expect((await store.getNode('node-a'))?.ingest).toEqual({
      received: 5,
      lastSeq: '5',
      gaps: 0,
      duplicates: 5,
    });
    expect(await store.timeline('node-a', 0, T0 * 2, 100)).toHaveLength(5);
  });

  it('counts the sequences a jump skips as gaps, once', async () => {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 2), T0);
    expect(await store.ingest('node-a', EPOCH_A, [report(5), report(6)], T0 + 1)).toEqual({
      stored: 2,
      duplicates: 0,
      gaps: 2,
      ackSequence: '6',
    });
    // 3 and 4 turning up late are at or below the stored sequence: duplicates, and no longer gaps to count.
    expect(await store.ingest('node-a', EPOCH_A, [report(3), report(4)], T0 + 2)).toEqual({
      stored: 0,
      duplicates: 2,
      gaps: 0,
      ackSequence: '6',
    });
    expect((await store.getNode('node-a'))?.ingest).toEqual({
      received: 4,
      lastSeq: '6',
      gaps: 2,
      duplicates: 2,
    });
  });

  it('counts a first report past 1 as a gap, and takes an unordered batch in the order given', async () => {
    const { store } = await openWithNode();
    expect(await store.ingest('node-a', EPOCH_A, [report(4)], T0)).toMatchObject({ stored: 1, gaps: 3 });
    expect(await store.ingest('node-a', EPOCH_A, [report(9), report(7)], T0)).toEqual({
      stored: 1,
      duplicates: 1,
      gaps: 4,
      ackSequence: '9',
    });
  });

  it('acknowledges the stored sequence for an empty batch, and records when the node was last heard', async () => {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 2), T0 + 10);
    expect(await store.ingest('node-a', EPOCH_A, [], T0 + 20)).toEqual({
      stored: 0,
      duplicates: 0,
      gaps: 0,
      ackSequence: '2',
    });
    expect((await store.getNode('node-a'))?.lastSeenMs).toBe(T0 + 20);
  });
});

describe('epochs', () => {
  it('tells a Hello what is stored: 0 for a new node or epoch, the stored sequence on reconnect', async () => {
    const store = stores.open(stores.dataDir());
    expect(await store.hello(identity('node-a', EPOCH_A), T0)).toEqual({ storedSequence: '0' });
    await store.ingest('node-a', EPOCH_A, reports(1, 4), T0);
    expect(await store.hello(identity('node-a', EPOCH_A), T0 + 1)).toEqual({ storedSequence: '4' });
    expect(await store.hello(identity('node-a', EPOCH_B), T0 + 2)).toEqual({ storedSequence: '0' });
  });

  it('starts a new epoch from 0 and keeps the counters accumulating', async () => {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 5), T0);
    await store.ingest('node-a', EPOCH_A, [report(8)], T0);
    await store.hello(identity('node-a', EPOCH_B), T0 + 1);
    expect(await store.ingest('node-a', EPOCH_B, reports(1, 3), T0 + 2)).toEqual({
      stored: 3,
      duplicates: 0,
      gaps: 0,
      ackSequence: '3',
    });
    const node = await store.getNode('node-a');
    expect(node?.ingest).toEqual({ received: 9, lastSeq: '3', gaps: 2, duplicates: 0 });
    expect(node?.identity.epoch).toBe(EPOCH_B);
    // Both epochs' reports are in the timeline: sequences 1-3 twice.
    expect(await store.timeline('node-a', 0, T0 * 2, 100)).toHaveLength(9);
  });

  it('rejects reports of an epoch that is no longer current, storing none of them', async () => {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 2), T0);
    await store.hello(identity('node-a', EPOCH_B), T0 + 1);
    const stale = store.ingest('node-a', EPOCH_A, reports(3, 4), T0 + 2);
    await expect(stale).rejects.toBeInstanceOf(EpochMismatchError);
    await expect(stale).rejects.toMatchObject({ node: 'node-a', epoch: EPOCH_A, currentEpoch: EPOCH_B });
    expect((await store.getNode('node-a'))?.ingest).toEqual({
      received: 2,
      lastSeq: '0',
      gaps: 0,
      duplicates: 0,
    });
    expect(await store.timeline('node-a', 0, T0 * 2, 100)).toHaveLength(2);
  });

  it('rejects reports for a node that never said Hello', async () => {
    const store = stores.open(stores.dataDir());
    await expect(store.ingest('node-z', EPOCH_A, reports(1, 1), T0)).rejects.toMatchObject({
      name: 'EpochMismatchError',
      node: 'node-z',
      currentEpoch: null,
    });
    expect(await store.getNode('node-z')).toBeUndefined();
  });

  it('does not store an earlier epoch twice when a node switches back to it', async () => {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 5), T0);
    await store.hello(identity('node-a', EPOCH_B), T0);
    await store.ingest('node-a', EPOCH_B, reports(1, 2), T0);
    expect(await store.hello(identity('node-a', EPOCH_A), T0)).toEqual({ storedSequence: '5' });
    expect(await store.ingest('node-a', EPOCH_A, reports(4, 6), T0)).toEqual({
      stored: 1,
      duplicates: 2,
      gaps: 0,
      ackSequence: '6',
    });
    expect(await store.timeline('node-a', 0, T0 * 2, 100)).toHaveLength(8);
  });

  it('keeps epochs across the whole uint64 range apart', async () => {
    const store = stores.open(stores.dataDir());
    const epochs = ['0', '1', '9223372036854775807', '9223372036854775808', '18446744073709551615'];
    for (const [index, epoch] of epochs.entries()) {
      await store.hello(identity(`node-${index}`, epoch), T0);
      await store.ingest(`node-${index}`, epoch, reports(1, index + 1), T0);
    }
    for (const [index, epoch] of epochs.entries()) {
      const node = await store.getNode(`node-${index}`);
      expect(node?.identity.epoch).toBe(epoch);
      expect(node?.ingest.lastSeq).toBe(String(index + 1));
    }
    // Neighbours as uint64 (2^63-1 and 2^63) sit at opposite ends of int64: still two different epochs.
    await expect(store.ingest('node-3', '9223372036854775807', [report(9)], T0)).rejects.toBeInstanceOf(
      EpochMismatchError,
    );
  });

  it('refreshes the identity on Hello and keeps when the node was first seen', async () => {
    const store = stores.open(stores.dataDir());
    await store.hello(identity('node-a', EPOCH_A), T0);
    await store.hello(
      identity('node-a', EPOCH_A, {
        bootId: 'b-2',
        agentVersion: '0.2.0',
        capabilities: ['dns'],
        intervalMs: 5_000,
      }),
      T0 + 60_000,
    );
    const node = await store.getNode('node-a');
    expect(node).toMatchObject({
      identity: { bootId: 'b-2', agentVersion: '0.2.0', capabilities: ['dns'], intervalMs: 5_000 },
      firstSeenMs: T0,
      lastSeenMs: T0 + 60_000,
      latest: null,
    });
  });
});

describe('what the store gives back', () => {
  it('returns the latest report exactly as ingested, samples JSON untouched', async () => {
    const { store } = await openWithNode();
    const samplesJson = '{ "cpu" : {"busyRatio": 0.250000, "note": "kept byte for byte ✓"} }';
    const latest = report(2, {
      findings: [OOM_FINDING, { ...OOM_FINDING, value: undefined, _value: undefined, subject: '' }],
      signals: [
        { signal: 'cpu', state: 'SIGNAL_STATE_OK', reason: '' },
        { signal: 'kubelet', state: 'SIGNAL_STATE_ABSENT', reason: 'no kubelet on this host' },
      ],
      samplesJson,
      sampleDurationSeconds: 0.0375,
    });
    await store.ingest('node-a', EPOCH_A, [report(1), latest], T0 + 7);
    const node = await store.getNode('node-a');
    const withoutUnset = { ...OOM_FINDING, subject: '' } as Record<string, unknown>;
    delete withoutUnset.value;
    delete withoutUnset._value;
    expect(node?.latest).toEqual({ ...latest, findings: [OOM_FINDING, withoutUnset], receivedAtMs: T0 + 7 });
    expect(node?.latest?.samplesJson).toBe(samplesJson);
  });

  it('keeps timeline entries compact and faithful: vitals, findings, boot ids', async () => {
    const { store } = await openWithNode();
    await store.ingest(
      'node-a',
      EPOCH_A,
      [
        report(1, { findings: [OOM_FINDING] }),
        report(2, { vitals: null, bootId: 'not-a-uuid' }),
        report(3, { vitals: {}, bootId: '' }),
        report(4, { bootId: BOOT_ID.toUpperCase() }),
      ],
      T0 + 9,
    );
    const entries = await store.timeline('node-a', 0, T0 * 2, 100);
    expect(entries).toEqual([
      {
        sequence: '1',
        sampledAtMs: T0 + 1_000,
        receivedAtMs: T0 + 9,
        bootId: BOOT_ID,
        vitals: VITALS,
        findings: [OOM_FINDING],
      },
      {
        sequence: '2',
        sampledAtMs: T0 + 2_000,
        receivedAtMs: T0 + 9,
        bootId: 'not-a-uuid',
        vitals: null,
        findings: [],
      },
      { sequence: '3', sampledAtMs: T0 + 3_000, receivedAtMs: T0 + 9, bootId: '', vitals: {}, findings: [] },
      {
        sequence: '4',
        sampledAtMs: T0 + 4_000,
        receivedAtMs: T0 + 9,
        bootId: BOOT_ID.toUpperCase(),
        vitals: VITALS,
        findings: [],
      },
    ]);
  });

  it('keeps fractional milliseconds and takes sequences up to 2^63-1', async () => {
    const { store } = await openWithNode();
    const top = '9223372036854775807';
    await store.ingest('node-a', EPOCH_A, [report(top, { sampledAtMs: T0 + 0.25 })], T0 + 0.5);
    const [entry] = await store.timeline('node-a', T0, T0 + 1, 10);
    expect(entry).toMatchObject({ sequence: top, sampledAtMs: T0 + 0.25, receivedAtMs: T0 + 0.5 });
    expect((await store.getNode('node-a'))?.ingest.lastSeq).toBe(top);
  });

  it('refuses what it cannot store with a StoreInputError, and keeps serving', async () => {
    const { store } = await openWithNode();
    const bad: [string, Promise<unknown>, RegExp][] = [
      [
        '2^63',
        store.ingest('node-a', EPOCH_A, [report('9223372036854775808')], T0),
        /report 0: sequence .* above/,
      ],
      [
        'not decimal',
        store.ingest('node-a', EPOCH_A, [report(1), report('0x10')], T0),
        /report 1: sequence "0x10"/,
      ],
      ['leading zero', store.ingest('node-a', EPOCH_A, [report('07')], T0), /sequence "07"/],
      [
        'NaN time',
        store.ingest('node-a', EPOCH_A, [report(1, { sampledAtMs: Number.NaN })], T0),
        /sampledAt is NaN/,
      ],
      [
        'infinite vital',
        store.ingest(
          'node-a',
          EPOCH_A,
          [report(1, { vitals: { cpuBusyRatio: Number.POSITIVE_INFINITY } })],
          T0,
        ),
        /vitals\.cpuBusyRatio is Infinity/,
      ],
      ['bad epoch', store.ingest('node-a', '-1', [report(1)], T0), /epoch "-1"/],
      ['epoch > 2^64-1', store.hello(identity('node-b', '18446744073709551616'), T0), /epoch .* above/],
      ['empty node', store.hello(identity('', EPOCH_A), T0), /node name is empty/],
    ];
    for (const [what, promise, message] of bad) {
      await expect(promise, what).rejects.toBeInstanceOf(StoreInputError);
      await expect(promise, what).rejects.toThrow(message);
    }
    expect(await store.ingest('node-a', EPOCH_A, reports(1, 2), T0)).toMatchObject({ stored: 2 });
    expect((await store.listNodes()).map((node) => node.node)).toEqual(['node-a']);
  });
});

describe('persistence', () => {
  it('keeps nodes, counters, latest report and timeline across close and reopen', async () => {
    const { store, dataDir } = await openWithNode();
    await store.hello(identity('node-b', EPOCH_B), T0);
    await store.ingest('node-a', EPOCH_A, [...reports(1, 3), report(6)], T0 + 1);
    await store.ingest('node-a', EPOCH_A, reports(2, 3), T0 + 2);
    await store.ingest('node-b', EPOCH_B, reports(1, 2), T0 + 3);
    const before = {
      nodes: await store.listNodes(),
      timeline: await store.timeline('node-a', 0, T0 * 2, 100),
    };
    await store.close();

    const reopened = stores.open(dataDir);
    expect(await reopened.listNodes()).toEqual(before.nodes);
    expect(await reopened.timeline('node-a', 0, T0 * 2, 100)).toEqual(before.timeline);
    expect(before.nodes.map((node) => node.ingest)).toEqual([
      { received: 4, lastSeq: '6', gaps: 2, duplicates: 2 },
      { received: 2, lastSeq: '2', gaps: 0, duplicates: 0 },
    ]);
    // The agent reconnects with the same epoch and replays what it was not sure of.
    expect(await reopened.hello(identity('node-a', EPOCH_A), T0 + 4)).toEqual({ storedSequence: '6' });
    expect(await reopened.ingest('node-a', EPOCH_A, reports(5, 7), T0 + 5)).toEqual({
      stored: 1,
      duplicates: 2,
      gaps: 0,
      ackSequence: '7',
    });
  });
});

describe('timeline', () => {
  async function storeWithTimeline() {
    const { store } = await openWithNode();
    await store.ingest('node-a', EPOCH_A, reports(1, 10), T0);
    return store;
  }
  const sequences = (entries: { sequence: string }[]) => entries.map((entry) => Number(entry.sequence));

  it('returns entries oldest first, within an inclusive sampledAt range', async () => {
    const store = await storeWithTimeline();
    expect(sequences(await store.timeline('node-a', T0 + 3_000, T0 + 6_000, 100))).toEqual([3, 4, 5, 6]);
    expect(sequences(await store.timeline('node-a', T0 + 3_001, T0 + 5_999, 100))).toEqual([4, 5]);
    expect(await store.timeline('node-a', T0 + 11_000, T0 + 20_000, 100)).toEqual([]);
  });

  it('keeps the newest entries when the limit cuts', async () => {
    const store = await storeWithTimeline();
    expect(sequences(await store.timeline('node-a', 0, T0 * 2, 3))).toEqual([8, 9, 10]);
    expect(sequences(await store.timeline('node-a', T0 + 2_000, T0 + 6_000, 2))).toEqual([5, 6]);
  });

  it('orders by the agent clock, ties by arrival', async () => {
    const { store } = await openWithNode();
    // The agent's clock stepped back between 2 and 3; 4 and 5 were sampled in the same millisecond.
    await store.ingest(
      'node-a',
      EPOCH_A,
      [
        report(1, { sampledAtMs: T0 + 10 }),
        report(2, { sampledAtMs: T0 + 20 }),
        report(3, { sampledAtMs: T0 + 5 }),
        report(4, { sampledAtMs: T0 + 30 }),
        report(5, { sampledAtMs: T0 + 30 }),
      ],
      T0,
    );
    expect(sequences(await store.timeline('node-a', T0, T0 + 100, 100))).toEqual([3, 1, 2, 4, 5]);
  });

  it('gives an unknown node an empty timeline and refuses bad arguments', async () => {
    const store = await storeWithTimeline();
    expect(await store.timeline('node-x', 0, T0 * 2, 10)).toEqual([]);
    await expect(store.timeline('node-a', T0 + 1, T0, 10)).rejects.toThrow(/since .* is after until/);
    await expect(store.timeline('node-a', Number.NaN, T0, 10)).rejects.toBeInstanceOf(StoreInputError);
    for (const limit of [0, -1, 1.5, MAX_TIMELINE_LIMIT + 1]) {
      await expect(store.timeline('node-a', 0, T0 * 2, limit)).rejects.toThrow(
        /limit .* is not an integer from 1/,
      );
    }
    expect(await store.timeline('node-a', 0, T0 * 2, MAX_TIMELINE_LIMIT)).toHaveLength(10);
  });
});
