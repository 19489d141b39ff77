import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IngestOutcome, IngestStats } from '../../../collector/store/node-store.js';
import { SqliteStore } from '../../../collector/store/sqlite-store.js';
import { EpochMismatchError } from '../../../collector/store/store-errors.js';
import { identity, report, T0 } from './store-test-support.js';

/**
 * The store against a model of the contract written as plainly as possible, over random sequences of
 * Hello and ingest calls from a few nodes and epochs. Calls come in groups issued without waiting (so
 * they share group commits, as calls from concurrent streams do), and the store is sometimes closed and
 * reopened in between. Every call's answer, every node's figures and every node's timeline must agree.
 */

const NODES = ['n0', 'n1', 'n2'];
const EPOCHS = ['1', '2', '18446744073709551615'];

type Op =
  | { readonly kind: 'hello'; readonly node: string; readonly epoch: string }
  | { readonly kind: 'ingest'; readonly node: string; readonly epoch: string; readonly sequences: number[] };
type Step = { readonly kind: 'group'; readonly ops: Op[] } | { readonly kind: 'reopen' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('hello' as const),
      node: fc.constantFrom(...NODES),
      epoch: fc.constantFrom(...EPOCHS),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('ingest' as const),
      node: fc.constantFrom(...NODES),
      epoch: fc.constantFrom(...EPOCHS),
      sequences: fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 5 }),
    }),
  },
);
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('group' as const),
      ops: fc.array(opArbitrary, { minLength: 1, maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** The contract, literally. */
class Model {
  private readonly nodes = new Map<
    string,
    { epoch: string; lastSeq: number; received: number; gaps: number; duplicates: number }
  >();
  /** Every stored report as "node epoch sequence". */
  readonly stored = new Set<string>();

  hello(node: string, epoch: string): { storedSequence: string } {
    const known = this.nodes.get(node);
    let lastSeq = 0;
    if (known && known.epoch === epoch) lastSeq = known.lastSeq;
    else {
      // What is stored for this epoch already (a node switching back to an earlier epoch).
      for (const key of this.stored) {
        const [storedNode, storedEpoch, sequence] = key.split(' ');
        if (storedNode === node && storedEpoch === epoch) lastSeq = Math.max(lastSeq, Number(sequence));
      }
    }
    this.nodes.set(node, { received: 0, gaps: 0, duplicates: 0, ...known, epoch, lastSeq });
    return { storedSequence: String(lastSeq) };
  }

  ingest(node: string, epoch: string, sequences: readonly number[]): IngestOutcome | 'epoch-mismatch' {
    const state = this.nodes.get(node);
    if (!state || state.epoch !== epoch) return 'epoch-mismatch';
    let stored = 0;
    let duplicates = 0;
    let gaps = 0;
    for (const sequence of sequences) {
      if (sequence <= state.lastSeq) {
        duplicates += 1;
        continue;
      }
      gaps += sequence - state.lastSeq - 1;
      state.lastSeq = sequence;
      stored += 1;
      this.stored.add(`${node} ${epoch} ${sequence}`);
    }
    state.received += stored;
    state.gaps += gaps;
    state.duplicates += duplicates;
    return { stored, duplicates, gaps, ackSequence: String(state.lastSeq) };
  }

  stats(): [string, IngestStats][] {
    return [...this.nodes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([node, state]) => [
        node,
        {
          received: state.received,
          lastSeq: String(state.lastSeq),
          gaps: state.gaps,
          duplicates: state.duplicates,
        },
      ]);
  }
}

/** The timeline keeps no epoch; the sampled time carries it, so entries can be matched to the model's. */
function sampledAt(epoch: string, sequence: number): number {
  return T0 + EPOCHS.indexOf(epoch) * 1_000_000 + sequence;
}

function call(store: SqliteStore, op: Op): Promise<unknown> {
  if (op.kind === 'hello') return store.hello(identity(op.node, op.epoch), T0);
  const batch = op.sequences.map((sequence) =>
    report(sequence, { sampledAtMs: sampledAt(op.epoch, sequence) }),
  );
  return store.ingest(op.node, op.epoch, batch, T0);
}

function storedOf(model: Model, node: string): number[] {
  return [...model.stored]
    .map((key) => key.split(' '))
    .filter(([storedNode]) => storedNode === node)
    .map(([, epoch, sequence]) => sampledAt(epoch as string, Number(sequence)))
    .sort((a, b) => a - b);
}

describe('the store against a model of the contract', () => {
  it('agrees on every answer, every node figure and every timeline', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 14 }), async (steps) => {
        const dataDir = mkdtempSync(join(tmpdir(), 'nodedoc-store-model-'));
        let store = SqliteStore.open(dataDir);
        const model = new Model();
        try {
          for (const step of steps) {
            if (step.kind === 'reopen') {
              await store.close();
              store = SqliteStore.open(dataDir);
              continue;
            }
            // Issued together: the store must apply them in call order, like the model.
            const settled = await Promise.allSettled(step.ops.map((op) => call(store, op)));
            step.ops.forEach((op, index) => {
              const expected =
                op.kind === 'hello'
                  ? model.hello(op.node, op.epoch)
                  : model.ingest(op.node, op.epoch, op.sequences);
              const actual = settled[index];
              if (expected === 'epoch-mismatch') {
                expect(actual?.status, JSON.stringify(op)).toBe('rejected');
                expect((actual as PromiseRejectedResult).reason).toBeInstanceOf(EpochMismatchError);
              } else {
                expect(actual, JSON.stringify(op)).toEqual({ status: 'fulfilled', value: expected });
              }
            });
            const nodes = await store.listNodes();
            expect(nodes.map((node) => [node.node, node.ingest])).toEqual(model.stats());
          }
          for (const node of NODES) {
            const timeline = await store.timeline(node, 0, T0 * 2, 1_000);
            expect(timeline.map((entry) => entry.sampledAtMs)).toEqual(storedOf(model, node));
          }
        } finally {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });
});
