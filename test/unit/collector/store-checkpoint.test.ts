import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpointer, type CheckpointInfo } from '../../../collector/store/checkpointer.js';
import { DATABASE_FILE, openDatabase } from '../../../collector/store/open-database.js';
import { waitFor } from '../../harness/wait-for.js';
import { compileStoreChild, identity, report, T0, useTempStores } from './store-test-support.js';

/** WAL checkpoints on the worker thread: bounded WAL, the fallback, and processes that still exit. */

const stores = useTempStores();
const SAMPLES_4K = JSON.stringify({ padding: 'x'.repeat(4_000) });
/**
 * Enough distinct nodes that a checkpoint takes longer than the gap between two flushes: then only a pause
 * lets one complete. (Measured: the WAL peaked at 17 MiB with the pause, 270-550 MiB without it.)
 */
const STREAMS = 2_000;
const REPORTS_PER_STREAM = 30;
/** 8 MiB: small, so the test needs little disk, yet well above what one flush appends. */
const RESTART_FRAMES = 2_048;

describe('checkpoints on the worker thread', () => {
  it('keep the WAL bounded under sustained writing, starting it over', async () => {
    const checkpoints: CheckpointInfo[] = [];
    const dataDir = stores.dataDir();
    const store = stores.open(dataDir, {
      walRestartFrames: RESTART_FRAMES,
      onCheckpoint: (info) => checkpoints.push(info),
    });
    // Streams that each send their next report as soon as the previous one is acknowledged, not in
    // rounds: commits never stop, so the WAL only starts over if a checkpoint pauses them.
    const nodes = Array.from({ length: STREAMS }, (_, index) => `node-${index}`);
    await Promise.all(nodes.map((node) => store.hello(identity(node, '1'), T0)));
    let largestWal = 0;
    const watch = setInterval(() => {
      largestWal = Math.max(largestWal, statSync(join(dataDir, `${DATABASE_FILE}-wal`)).size);
    }, 5);
    await Promise.all(
      nodes.map(async (node) => {
        for (let sequence = 1; sequence <= REPORTS_PER_STREAM; sequence += 1) {
          await store.ingest(node, '1', [report(sequence, { samplesJson: SAMPLES_4K })], T0);
        }
      }),
    );
    clearInterval(watch);
    await store.close();

    expect(checkpoints.length).toBeGreaterThanOrEqual(10);
    expect(checkpoints.filter((checkpoint) => checkpoint.error !== undefined)).toEqual([]);
    const frames = checkpoints.map((checkpoint) => checkpoint.walFrames);
    // The WAL started over: some checkpoint found it shorter than the one before did.
    expect(frames.some((count, index) => index > 0 && count < (frames[index - 1] ?? 0))).toBe(true);
    // Each of the 60,000 reports rewrote its node's latest samples (4 KiB) through the WAL: 240 MiB at
    // least, which a WAL that never started over would hold.
    expect(largestWal).toBeLessThan(64 * 2 ** 20);
  });

  it('checkpoints a quiet store within about a second of a write', async () => {
    const checkpoints: CheckpointInfo[] = [];
    const store = stores.open(stores.dataDir(), { onCheckpoint: (info) => checkpoints.push(info) });
    await store.hello(identity('node-a', '1'), T0);
    await store.ingest('node-a', '1', [report(1)], T0);
    const checkpoint = await waitFor('a checkpoint', () => checkpoints[0], {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    expect(checkpoint.error).toBeUndefined();
    expect(checkpoint.checkpointedFrames).toBe(checkpoint.walFrames);
    expect(checkpoint.walFrames).toBeGreaterThan(0);
  });

  it('falls back to automatic checkpoints on the writing connection when the worker cannot run', async () => {
    const dataDir = stores.dataDir();
    const opened = openDatabase(dataDir);
    const gate = {
      paused: false,
      pause: () => {
        gate.paused = true;
      },
      resume: () => {
        gate.paused = false;
      },
    };
    const reports: CheckpointInfo[] = [];
    // What the checkpointer asks of the writing connection (the store's writer thread sets it).
    const autocheckpoints: number[] = [];
    const checkpointer = new Checkpointer({
      path: opened.path,
      busyTimeoutMs: 100,
      autocheckpoint: (pages) => {
        autocheckpoints.push(pages);
      },
      gate,
      onCheckpoint: (info) => reports.push(info),
      driver: join(dataDir, 'no-such-driver.js'),
    });
    expect(autocheckpoints).toEqual([]);
    const failure = await waitFor('the worker failure', () => reports[0], {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    expect(failure.error).toMatch(
      /Cannot find module .*no-such-driver\.js.*; checkpoints fall back to the writing connection/s,
    );
    expect(checkpointer.fellBack).toBe(true);
    await waitFor('the fallback', () => autocheckpoints[0], { timeoutMs: 1_000, intervalMs: 5 });
    expect(autocheckpoints).toEqual([1_000]);
    // Commits go on, unpaused, and no more checkpoints are asked of the dead worker.
    checkpointer.committed(10_000);
    expect(gate.paused).toBe(false);
    await checkpointer.close();
    expect(reports).toHaveLength(1);
    opened.db.close();
    opened.lock.close();
  });
});

describe('a process using the store', () => {
  async function run(mode: 'close' | 'leave') {
    const script = compileStoreChild(stores.dataDir());
    const dataDir = stores.dataDir();
    const child = spawn(process.execPath, [script, dataDir, '5', mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = once(child, 'exit');
    const exited = await waitFor(
      'the writer to exit',
      () => (child.exitCode === null ? undefined : child.exitCode),
      {
        timeoutMs: 15_000,
        intervalMs: 50,
      },
    ).finally(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await exit;
    const acks = stdout.split('\n').filter((line) => line.startsWith('ack '));
    return { code: exited, stdout, stderr, acks, dataDir };
  }

  it('exits once it has closed the store', async () => {
    const result = await run('close');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('closed');
    const store = stores.open(result.dataDir);
    const nodes = await store.listNodes();
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      expect(node.ingest, node.node).toEqual({
        received: Number(node.ingest.lastSeq),
        lastSeq: node.ingest.lastSeq,
        gaps: 0,
        duplicates: 0,
      });
    }
  });

  it('exits on its own when it never closes the store, keeping everything acknowledged', async () => {
    const result = await run('leave');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain('closed');
    const lastAck = new Map(result.acks.map((line) => [line.split(' ')[1], Number(line.split(' ')[2])]));
    const store = stores.open(result.dataDir);
    for (const node of await store.listNodes()) {
      expect(Number(node.ingest.lastSeq), node.node).toBe(lastAck.get(node.node));
    }
  });
});
