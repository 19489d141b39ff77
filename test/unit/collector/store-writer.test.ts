import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, PAGE_CACHE_KIB } from '../../../collector/store/open-database.js';
import { EpochMismatchError, StoreError } from '../../../collector/store/store-errors.js';
import { StoreWriter } from '../../../collector/store/store-writer.js';
import { fromErrorData, toErrorData } from '../../../collector/store/writer-messages.js';
import { identity, report, T0, useTempStores } from './store-test-support.js';

/** The store's writer thread: what crosses the thread boundary, and a thread that cannot do its job. */

const stores = useTempStores();

describe('the writer thread', () => {
  it('brings errors back as the classes the collector maps to statuses', () => {
    const mismatch = fromErrorData(toErrorData(new EpochMismatchError('node-a', '7', '8')));
    expect(mismatch).toBeInstanceOf(EpochMismatchError);
    expect(mismatch).toMatchObject({ node: 'node-a', epoch: '7', currentEpoch: '8' });
    const sqlite = Object.assign(new Error('database or disk is full'), {
      name: 'SqliteError',
      code: 'SQLITE_FULL',
    });
    expect(fromErrorData(toErrorData(sqlite))).toMatchObject({
      name: 'SqliteError',
      message: 'database or disk is full',
      code: 'SQLITE_FULL',
    });
  });

  it('rejects every write with a StoreError naming the file when it cannot open the database', async () => {
    const path = join(stores.dataDir(), 'missing', DATABASE_FILE);
    const writer = new StoreWriter({ path, busyTimeoutMs: 50, pageCacheKib: PAGE_CACHE_KIB });
    const started = writer.started.then(
      () => 'started',
      (error: unknown) => error,
    );
    const commit = writer.commit([]).then(
      () => 'committed',
      (error: unknown) => error,
    );
    const startError = await started;
    expect(startError).toBeInstanceOf(StoreError);
    expect(String(startError)).toContain(`${path}: the writer thread could not open the database`);
    expect(await commit).toBe(startError);
    await expect(writer.pruneTimeline(T0, 10)).rejects.toBe(startError);
    await writer.close();
  });

  it('keeps the store readable, and every later write failing clearly, after the thread is gone', async () => {
    const store = stores.open(stores.dataDir());
    await store.ready();
    await store.hello(identity('node-a', '1'), T0);
    await store.ingest('node-a', '1', [report(1)], T0);
    // The thread ends under the store (as an out-of-memory kill of the thread would end it).
    const writer = (store as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer;
    await writer.worker.terminate();
    const write = store.ingest('node-a', '1', [report(2)], T0);
    await expect(write).rejects.toBeInstanceOf(StoreError);
    await expect(write).rejects.toThrow(/the writer thread exited/);
    const [node] = await store.listNodes();
    expect(node?.ingest).toMatchObject({ received: 1, lastSeq: '1' });
  });
});
