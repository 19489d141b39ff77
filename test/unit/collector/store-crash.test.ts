import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../collector/store/open-database.js';
import { waitFor } from '../../harness/wait-for.js';
import { compileStoreChild, identity, reports, T0, useTempStores } from './store-test-support.js';

/**
 * A writer process SIGKILLed in the middle of streaming: everything it acknowledged must be in the file
 * when the store is reopened, nothing twice, and the file must pass SQLite's integrity check.
 */

const stores = useTempStores();
const CHILD_EPOCH = '4242';
const NODES = 20;
/** Acknowledgements to see before the kill: enough that several WAL checkpoints have run. */
const ACKS_BEFORE_KILL = 3_000;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('a writer killed with SIGKILL mid-stream', () => {
  it('loses nothing it acknowledged, stores nothing twice, and leaves a sound file', async () => {
    const script = compileStoreChild(stores.dataDir());
    const dataDir = stores.dataDir();
    const writer = spawn(process.execPath, [script, dataDir, String(NODES), 'stream'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = writer;
    const acked = new Map<string, number>();
    let acks = 0;
    let stderr = '';
    let pending = '';
    writer.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    writer.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [word, node, sequence] = line.split(' ');
        if (word !== 'ack' || !node) continue;
        acks += 1;
        acked.set(node, Math.max(acked.get(node) ?? 0, Number(sequence)));
      }
    });
    const closed = once(writer, 'close');

    await waitFor(
      `${ACKS_BEFORE_KILL} acknowledgements`,
      () => {
        if (writer.exitCode !== null) throw new Error(`writer exited with ${writer.exitCode}: ${stderr}`);
        return acks >= ACKS_BEFORE_KILL ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 10 },
      () => `${acks} acks; stderr: ${stderr}`,
    );
    writer.kill('SIGKILL');
    // 'close': the process is gone and every acknowledgement it wrote before dying has been read.
    await closed;
    expect(writer.signalCode).toBe('SIGKILL');
    expect(stderr).toBe('');
    expect(acked.size).toBe(NODES);

    // Killed, not closed: the committed transactions past the last checkpoint are only in the WAL.
    const path = join(dataDir, DATABASE_FILE);
    expect(existsSync(`${path}-wal`)).toBe(true);
    const db = new BetterSqlite3(path);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const store = stores.open(dataDir);
    const nodes = await store.listNodes();
    expect(nodes).toHaveLength(NODES);
    for (const node of nodes) {
      const ackedSequence = acked.get(node.node) ?? 0;
      const lastSeq = Number(node.ingest.lastSeq);
      // Stored at least what was acknowledged (and maybe a batch committed just before the kill, unacked).
      expect(lastSeq, node.node).toBeGreaterThanOrEqual(ackedSequence);
      expect(node.ingest, node.node).toEqual({
        received: lastSeq,
        lastSeq: String(lastSeq),
        gaps: 0,
        duplicates: 0,
      });
      const timeline = await store.timeline(node.node, 0, T0 * 2, 10_000);
      expect(timeline.map((entry) => Number(entry.sequence))).toEqual(
        Array.from({ length: lastSeq }, (_, index) => index + 1),
      );
      expect(node.latest?.sequence).toBe(String(lastSeq));
    }

    // The agent comes back and replays from what it had acknowledged: the unacknowledged-but-stored part
    // counts as duplicates, the rest is stored.
    const [first] = nodes;
    if (!first) throw new Error('no node');
    const from = (acked.get(first.node) ?? 0) + 1;
    const lastSeq = Number(first.ingest.lastSeq);
    expect(await store.hello(identity(first.node, CHILD_EPOCH), Date.now())).toEqual({
      storedSequence: String(lastSeq),
    });
    const replay = reports(from, lastSeq + 2);
    expect(await store.ingest(first.node, CHILD_EPOCH, replay, Date.now())).toEqual({
      stored: 2,
      duplicates: lastSeq - from + 1,
      gaps: 0,
      ackSequence: String(lastSeq + 2),
    });
  });
});
