/**
 * A writer process for the store's process tests: opens the store in argv[2], says Hello for argv[3] nodes,
 * then every node streams reports as an agent does (the next batch once the previous is acknowledged).
 * Each acknowledgement is written to stdout ("ack NODE SEQUENCE") only after ingest() resolved, with a
 * synchronous write, so the parent knows exactly what was acknowledged when it kills this process.
 *
 * argv[4], the mode: `stream` goes on until killed; `close` stops after ROUNDS batches per node, closes the
 * store and prints "closed"; `leave` stops after ROUNDS batches without closing (the process must still
 * exit on its own).
 *
 * Compiled by the test from the current sources (so it never runs a stale build), not run by vitest.
 */
import { writeSync } from 'node:fs';
import type { IncomingReport } from '../../../collector/store/node-store.js';
import { SqliteStore } from '../../../collector/store/sqlite-store.js';

export const CHILD_EPOCH = '4242';
/** Batches per node in the `close` and `leave` modes: enough rows for several checkpoints. */
const ROUNDS = 200;
const BOOT_ID = '5d1e2f30-4a5b-4c6d-8e7f-901a2b3c4d5e';
const T0 = Date.parse('2026-11-23T12:00:00.000Z');

function reportFor(sequence: number): IncomingReport {
  return {
    sequence: String(sequence),
    sampledAtMs: T0 + sequence * 10_000,
    bootId: BOOT_ID,
    findings: [],
    signals: [{ signal: 'memory', state: 'SIGNAL_STATE_OK', reason: '' }],
    vitals: { memoryAvailableBytes: 2 ** 31, _memoryAvailableBytes: 'memoryAvailableBytes' },
    samplesJson: JSON.stringify({
      memory: { availableBytes: 2 ** 31, sequence },
      padding: 'x'.repeat(2_000),
    }),
    sampleDurationSeconds: 0.003,
  };
}

async function stream(store: SqliteStore, node: string, index: number, rounds: number): Promise<void> {
  let next = 1;
  for (let round = 0; round < rounds; round += 1) {
    // Batches of 1 to 3 reports, varying by node and position, as replays and steady state mix.
    const size = 1 + ((index + next) % 3);
    const batch = Array.from({ length: size }, (_, offset) => reportFor(next + offset));
    const outcome = await store.ingest(node, CHILD_EPOCH, batch, Date.now());
    writeSync(1, `ack ${node} ${outcome.ackSequence}\n`);
    next += size;
  }
}

async function main(): Promise<void> {
  const [dataDir, count, mode] = process.argv.slice(2);
  if (!dataDir || !count || (mode !== 'stream' && mode !== 'close' && mode !== 'leave')) {
    throw new Error('usage: store-writer-child DATA_DIR NODES stream|close|leave');
  }
  const store = SqliteStore.open(dataDir);
  const nodes = Array.from({ length: Number(count) }, (_, index) => `crash-node-${index}`);
  await Promise.all(
    nodes.map((node) =>
      store.hello(
        {
          node,
          epoch: CHILD_EPOCH,
          bootId: BOOT_ID,
          agentVersion: 'test',
          kernel: 'test',
          os: 'test',
          capabilities: ['memory'],
          intervalMs: 10_000,
        },
        Date.now(),
      ),
    ),
  );
  writeSync(1, 'ready\n');
  const rounds = mode === 'stream' ? Number.POSITIVE_INFINITY : ROUNDS;
  await Promise.all(nodes.map((node, index) => stream(store, node, index, rounds)));
  if (mode === 'close') {
    await store.close();
    writeSync(1, 'closed\n');
  }
}

main().catch((error: unknown) => {
  writeSync(2, `store-writer-child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
