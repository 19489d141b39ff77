import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../collector/store/open-database.js';
import { EpochMismatchError, StoreError } from '../../../collector/store/store-errors.js';
import { type FlushInfo, type JobResult, WriteBatcher } from '../../../collector/store/write-batcher.js';
import { waitFor } from '../../harness/wait-for.js';
import { identity, report, reports, T0, useTempStores } from './store-test-support.js';

/** Group commit: many streams' writes in few transactions, each acknowledged only once committed. */

const stores = useTempStores();

function flushRecorder() {
  const flushes: FlushInfo[] = [];
  return { flushes, onFlush: (info: FlushInfo) => flushes.push(info) };
}

const nodeNames = (count: number) => Array.from({ length: count }, (_, index) => `node-${index}`);

describe('group commit in the store', () => {
  it('writes many concurrent streams in one transaction per round', async () => {
    const { flushes, onFlush } = flushRecorder();
    // A row limit above the 200 writes of a round: the delay alone groups them.
    const store = stores.open(stores.dataDir(), { onFlush, maxBatchRows: 500 });
    const nodes = nodeNames(200);
    await Promise.all(nodes.map((node) => store.hello(identity(node, '1'), T0)));
    expect(flushes.map((flush) => flush.jobs)).toEqual([200]);

    // 200 streams, each sending 5 batches one after the other (the next once the previous is acked).
    const ROUNDS = 5;
    const outcomes = await Promise.all(
      nodes.map(async (node) => {
        const acks: string[] = [];
        for (let sequence = 1; sequence <= ROUNDS; sequence += 1) {
          acks.push((await store.ingest(node, '1', [report(sequence)], T0 + sequence)).ackSequence);
        }
        return acks;
      }),
    );
    expect(outcomes.every((acks) => acks.join() === '1,2,3,4,5')).toBe(true);
    // 1,000 ingest calls landed in 5 transactions: each round's 200 calls, queued in the same turn.
    expect(flushes.slice(1).map((flush) => [flush.jobs, flush.rows, flush.failed])).toEqual(
      Array.from({ length: ROUNDS }, () => [200, 200, false]),
    );
    const listed = await store.listNodes();
    expect(listed.map((node) => node.ingest.received)).toEqual(nodes.map(() => ROUNDS));
  });

  it('flushes at the row limit without waiting, and never splits a batch', async () => {
    const { flushes, onFlush } = flushRecorder();
    // A delay no test would wait for: only the row limit (or close) can trigger these flushes.
    const store = stores.open(stores.dataDir(), { onFlush, maxBatchRows: 50, maxDelayMs: 3_600_000 });
    const nodes = nodeNames(100);
    await Promise.all(nodes.map((node) => store.hello(identity(node, '1'), T0)));
    await Promise.all(nodes.map((node) => store.ingest(node, '1', reports(1, 1), T0)));
    const big = store.ingest('node-0', '1', reports(2, 121), T0);
    await Promise.all([big, ...nodes.slice(0, 49).map((node) => store.ingest(node, '1', [report(500)], T0))]);
    expect(flushes.map((flush) => flush.rows)).toEqual([50, 50, 50, 50, 120, 49]);
    expect(await big).toMatchObject({ stored: 120, ackSequence: '121' });
  });

  it('keeps queued writes invisible and unacknowledged until their flush commits', async () => {
    const dataDir = stores.dataDir();
    const store = stores.open(dataDir, { maxDelayMs: 3_600_000 });
    let settled = false;
    const writes = Promise.all([
      store.hello(identity('node-a', '1'), T0),
      store.ingest('node-a', '1', reports(1, 3), T0),
    ]).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(store.pendingRows).toBe(4);
    expect(await store.getNode('node-a')).toBeUndefined();
    // close() is the flush here; the promises settle with the commit.
    await store.close();
    expect(await writes).toEqual([
      { storedSequence: '0' },
      expect.objectContaining({ stored: 3, ackSequence: '3' }),
    ]);
    const reopened = stores.open(dataDir);
    expect(await reopened.timeline('node-a', 0, T0 * 2, 10)).toHaveLength(3);
  });

  it('lets an acknowledged write be read back at once', async () => {
    const store = stores.open(stores.dataDir());
    await store.hello(identity('node-a', '1'), T0);
    const seen = await store
      .ingest('node-a', '1', reports(1, 2), T0)
      .then(() => store.timeline('node-a', 0, T0 * 2, 10));
    expect(seen.map((entry) => entry.sequence)).toEqual(['1', '2']);
  });

  it('applies the jobs of one flush in call order, failing only the one whose epoch went stale', async () => {
    const { flushes, onFlush } = flushRecorder();
    const store = stores.open(stores.dataDir(), { onFlush });
    await store.hello(identity('node-a', '11'), T0);
    await store.hello(identity('node-b', '21'), T0);
    const calls = [
      store.ingest('node-a', '11', reports(1, 2), T0),
      store.hello(identity('node-a', '12'), T0 + 1),
      store.ingest('node-a', '11', reports(3, 3), T0 + 2),
      store.ingest('node-a', '12', reports(1, 1), T0 + 3),
      store.ingest('node-b', '21', reports(1, 4), T0 + 4),
    ];
    const settled = await Promise.allSettled(calls);
    expect(flushes.at(-1)).toMatchObject({ jobs: 5, failed: false });
    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(EpochMismatchError);
    const nodes = await store.listNodes();
    expect(nodes.map((node) => [node.node, node.identity.epoch, node.ingest])).toEqual([
      ['node-a', '12', { received: 3, lastSeq: '1', gaps: 0, duplicates: 0 }],
      ['node-b', '21', { received: 4, lastSeq: '4', gaps: 0, duplicates: 0 }],
    ]);
  });

  it('rejects every promise of a flush whose transaction fails, and keeps nothing of it', async () => {
    const dataDir = stores.dataDir();
    const first = stores.open(dataDir);
    await first.hello(identity('node-a', '1'), T0);
    await first.hello(identity('node-b', '1'), T0);
    await first.ingest('node-a', '1', reports(1, 10), T0);
    await first.close();
    // A real SQLite failure in the middle of a transaction: a trigger that aborts the insert of sequence 13.
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE));
    db.exec(`CREATE TRIGGER fail_13 BEFORE INSERT ON timeline WHEN NEW.sequence = 13
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    db.close();

    const { flushes, onFlush } = flushRecorder();
    const store = stores.open(dataDir, { onFlush });
    const doomed = [
      store.ingest('node-b', '1', reports(1, 3), T0 + 1),
      store.hello(identity('node-c', '1'), T0 + 1),
      store.ingest('node-a', '1', reports(11, 14), T0 + 1),
    ];
    const settled = await Promise.allSettled(doomed);
    expect(flushes).toEqual([expect.objectContaining({ jobs: 3, rows: 8, failed: true })]);
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      const { reason } = result as PromiseRejectedResult;
      expect(reason).toBeInstanceOf(StoreError);
      expect(String(reason.message)).toMatch(
        /nodedoc\.db: writing a batch failed: injected fault \(SQLITE_CONSTRAINT_TRIGGER\)$/,
      );
    }
    // Nothing of the flush is in the file, and the in-memory states did not move either: the same writes
    // store normally (not as duplicates) once they no longer share a transaction with the faulty one.
    expect(
      (await store.listNodes()).map((node) => [node.node, node.ingest.received, node.ingest.lastSeq]),
    ).toEqual([
      ['node-a', 10, '10'],
      ['node-b', 0, '0'],
    ]);
    await expect(store.ingest('node-c', '1', reports(1, 1), T0)).rejects.toBeInstanceOf(EpochMismatchError);
    expect(await store.ingest('node-b', '1', reports(1, 3), T0 + 2)).toMatchObject({
      stored: 3,
      duplicates: 0,
    });
    expect(await store.hello(identity('node-c', '1'), T0 + 2)).toEqual({ storedSequence: '0' });
    expect(await store.ingest('node-a', '1', reports(11, 12), T0 + 2)).toMatchObject({
      stored: 2,
      duplicates: 0,
    });
  });
});

describe('WriteBatcher', () => {
  /** A commit that records its batches and answers each job with its value doubled (odd values fail). */
  function doubling() {
    const batches: number[][] = [];
    const commit = async (jobs: readonly number[]): Promise<JobResult<number>[]> => {
      batches.push([...jobs]);
      return jobs.map((job) =>
        job % 2 === 0 ? { ok: true, value: job * 2 } : { ok: false, error: new Error(`odd ${job}`) },
      );
    };
    return { batches, commit };
  }

  it('settles each job with its own result, in one commit per turn', async () => {
    const { batches, commit } = doubling();
    const batcher = new WriteBatcher(commit, { maxDelayMs: 0 });
    const results = await Promise.allSettled([2, 3, 4].map((job) => batcher.submit(job, 1)));
    expect(batches).toEqual([[2, 3, 4]]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 4 },
      { status: 'rejected', reason: new Error('odd 3') },
      { status: 'fulfilled', value: 8 },
    ]);
  });

  it('rejects the whole batch when the commit throws, and carries on with the next', async () => {
    let fail = true;
    const flushes: FlushInfo[] = [];
    const batcher = new WriteBatcher<number, number>(
      async (jobs) => {
        if (fail) throw new Error('disk full');
        return jobs.map((job) => ({ ok: true, value: job }));
      },
      { maxDelayMs: 0 },
      (info) => flushes.push(info),
    );
    const first = await Promise.allSettled([batcher.submit(1, 1), batcher.submit(2, 1)]);
    expect(first).toEqual([
      { status: 'rejected', reason: new Error('disk full') },
      { status: 'rejected', reason: new Error('disk full') },
    ]);
    fail = false;
    expect(await batcher.submit(3, 1)).toBe(3);
    expect(flushes.map((flush) => [flush.jobs, flush.failed])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('drains everything queued in row-limited batches, and resolves at once when nothing is queued', async () => {
    const { batches, commit } = doubling();
    const batcher = new WriteBatcher(commit, { maxBatchRows: 3, maxDelayMs: 3_600_000 });
    await batcher.drain();
    const jobs = [2, 4, 6, 8, 10, 12, 14].map((job) => batcher.submit(job, job === 8 ? 5 : 1));
    expect(batcher.pendingRows).toBe(11);
    await batcher.drain();
    expect(batcher.pendingRows).toBe(0);
    expect(batches).toEqual([[2, 4, 6], [8], [10, 12, 14]]);
    expect(await Promise.all(jobs)).toEqual([4, 8, 12, 16, 20, 24, 28]);
  });

  it('keeps a resolved job resolved when the flush observer throws', async () => {
    const batcher = new WriteBatcher<number, number>(
      async (jobs) => jobs.map((job) => ({ ok: true, value: job })),
      { maxDelayMs: 0 },
      () => {
        throw new Error('observer bug');
      },
    );
    expect(await batcher.submit(7, 1)).toBe(7);
  });

  it('commits one flush at a time, and what arrives meanwhile goes together in the next', async () => {
    const batches: number[][] = [];
    const release: Array<() => void> = [];
    // A commit that holds each flush until the test lets it go, as a busy writer thread would.
    const batcher = new WriteBatcher<number, number>(
      (jobs) => {
        batches.push([...jobs]);
        return new Promise((resolve) => {
          release.push(() => resolve(jobs.map((job) => ({ ok: true, value: job }))));
        });
      },
      { maxDelayMs: 0 },
    );
    const first = batcher.submit(1, 1);
    await waitFor('the first flush', () => (batches.length === 1 ? true : undefined), {
      timeoutMs: 1_000,
      intervalMs: 1,
    });
    const later = [2, 3, 4].map((job) => batcher.submit(job, 1));
    await new Promise((resolve) => setImmediate(resolve));
    // The first flush is still committing: nothing else has started.
    expect(batches).toEqual([[1]]);
    let paused = false;
    const pause = batcher.pause().then(() => {
      paused = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(paused).toBe(false);
    release.shift()?.();
    expect(await first).toBe(1);
    await pause;
    // Paused: the queued jobs wait until resume().
    expect(batches).toEqual([[1]]);
    batcher.resume();
    await waitFor('the second flush', () => (batches.length === 2 ? true : undefined), {
      timeoutMs: 1_000,
      intervalMs: 1,
    });
    expect(batches).toEqual([[1], [2, 3, 4]]);
    const drained = batcher.drain();
    release.shift()?.();
    await drained;
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
  });
});
