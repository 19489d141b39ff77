import { describe, expect, it } from 'vitest';
import { EpochMismatchError, StoreInputError } from '../../../collector/store/store-errors.js';
import { identity, reports, T0, useTempStores } from './store-test-support.js';

/** Retention: old timeline rows and long-silent nodes go, in chunks that let everything else run. */

const stores = useTempStores();
const HOUR = 3_600_000;

describe('prune', () => {
  it('deletes timeline rows received before the cut-off, keeping the rest and the nodes still heard from', async () => {
    const store = stores.open(stores.dataDir());
    await store.hello(identity('node-a', '1'), T0);
    await store.ingest('node-a', '1', reports(1, 5), T0);
    await store.ingest('node-a', '1', reports(6, 8), T0 + HOUR);
    await store.ingest('node-a', '1', reports(9, 9), T0 + 2 * HOUR);
    expect(await store.prune(T0 + HOUR)).toBe(5);
    const left = await store.timeline('node-a', 0, T0 * 2, 100);
    expect(left.map((entry) => entry.sequence)).toEqual(['6', '7', '8', '9']);
    // The node keeps its figures and its latest report: retention is about history, not about the node.
    expect(await store.getNode('node-a')).toMatchObject({
      ingest: { received: 9, lastSeq: '9' },
      latest: { sequence: '9' },
    });
    expect(await store.prune(T0 + HOUR)).toBe(0);
  });

  it('forgets a node silent since the cut-off: its next stream starts afresh', async () => {
    const store = stores.open(stores.dataDir());
    await store.hello(identity('gone', '1'), T0);
    await store.ingest('gone', '1', reports(1, 4), T0 + 1);
    await store.hello(identity('quiet', '2'), T0);
    await store.hello(identity('quiet', '2'), T0 + 2 * HOUR);
    await store.hello(identity('busy', '3'), T0);
    await store.ingest('busy', '3', reports(1, 2), T0 + 2 * HOUR);

    expect(await store.prune(T0 + HOUR)).toBe(4);
    expect((await store.listNodes()).map((node) => node.node)).toEqual(['busy', 'quiet']);
    expect(await store.getNode('gone')).toBeUndefined();
    await expect(store.ingest('gone', '1', reports(5, 5), T0 + 3 * HOUR)).rejects.toBeInstanceOf(
      EpochMismatchError,
    );
    // Back after the window: a new node as far as the store is concerned.
    expect(await store.hello(identity('gone', '1'), T0 + 3 * HOUR)).toEqual({ storedSequence: '0' });
    expect(await store.ingest('gone', '1', reports(5, 5), T0 + 3 * HOUR)).toMatchObject({
      stored: 1,
      gaps: 4,
    });
    expect((await store.getNode('gone'))?.firstSeenMs).toBe(T0 + 3 * HOUR);
  });

  it('works in chunks, letting the event loop and ingest run in between', async () => {
    const CHUNK = 7;
    const ROWS = 100;
    const store = stores.open(stores.dataDir(), { pruneChunkRows: CHUNK, maxDelayMs: 0 });
    await store.hello(identity('node-a', '1'), T0);
    await store.hello(identity('node-b', '1'), T0);
    await store.ingest('node-a', '1', reports(1, ROWS), T0);

    let turns = 0;
    let pruning = true;
    const countTurns = () => {
      turns += 1;
      if (pruning) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const order: string[] = [];
    const pruned = store.prune(T0 + 1).then((count) => {
      pruning = false;
      order.push('prune');
      return count;
    });
    const ingested = store.ingest('node-b', '1', reports(1, 1), T0 + 2).then(() => order.push('ingest'));
    await Promise.all([pruned, ingested]);

    expect(await pruned).toBe(ROWS);
    // 15 chunks (14 full, one partial); the loop turned between each of them.
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(ROWS / CHUNK) - 1);
    expect(order).toEqual(['ingest', 'prune']);
    expect(await store.timeline('node-a', 0, T0 * 2, 1000)).toEqual([]);
    expect(await store.timeline('node-b', 0, T0 * 2, 1000)).toHaveLength(1);
  });

  it('stops between chunks when the store closes, keeping what it deleted', async () => {
    const dataDir = stores.dataDir();
    const store = stores.open(dataDir, { pruneChunkRows: 10 });
    await store.hello(identity('node-a', '1'), T0);
    await store.ingest('node-a', '1', reports(1, 100), T0);
    const pruned = store.prune(T0 + 1);
    const closed = store.close();
    const deleted = await pruned;
    await closed;
    expect(deleted).toBeGreaterThanOrEqual(10);
    expect(deleted).toBeLessThan(100);
    const reopened = stores.open(dataDir);
    expect(await reopened.timeline('node-a', 0, T0 * 2, 1000)).toHaveLength(100 - deleted);
  });

  it('refuses a cut-off that is not a finite time', async () => {
    const store = stores.open(stores.dataDir());
    await expect(store.prune(Number.NaN)).rejects.toBeInstanceOf(StoreInputError);
    await expect(store.prune(Number.POSITIVE_INFINITY)).rejects.toThrow(/prune cut-off is Infinity/);
  });
});
