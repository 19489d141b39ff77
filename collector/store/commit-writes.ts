/**
 * One flush of the write batcher: every queued Hello and batch, applied in submission order, in ONE
 * transaction. The idempotency decisions are made here, against the node states in memory, so ingest never
 * reads the database to find out what is stored; a job that cannot apply (an epoch that is not the node's
 * current one) fails alone and writes nothing.
 */
import type { Database } from 'better-sqlite3';
import { planIngest, saturatingCount } from './ingest-plan.js';
import type { IngestOutcome } from './node-store.js';
import { epochFromColumn, epochToColumn } from './sequence.js';
import type { Statements } from './statements.js';
import { EpochMismatchError } from './store-errors.js';
import type { JobResult } from './write-batcher.js';
import {
  type HelloJob,
  type IngestJob,
  latestColumns,
  type PreparedReport,
  type WriteJob,
} from './write-jobs.js';

/** What ingest needs to know about a node, kept in memory for every node (loaded when the store opens). */
export interface NodeState {
  readonly id: number;
  /** Current epoch, canonical decimal. */
  readonly epoch: string;
  /** Highest sequence stored in the current epoch (0n when none). */
  readonly lastSeq: bigint;
}

export type WriteResult = { readonly storedSequence: string } | IngestOutcome;

interface StateRow {
  readonly id: bigint;
  readonly name: string;
  readonly epoch: bigint;
  readonly last_seq: bigint;
}

/** Every node's state, from the file (when the writer's connection opens). */
export function loadNodeStates(statements: Statements): Map<string, NodeState> {
  const states = new Map<string, NodeState>();
  for (const row of statements.nodeStates.all() as StateRow[]) {
    states.set(row.name, { id: Number(row.id), epoch: epochFromColumn(row.epoch), lastSeq: row.last_seq });
  }
  return states;
}

/** A node's ingest figures accumulated over one flush, written once per node at the end of it. */
interface NodeDelta {
  received: number;
  gaps: bigint;
  duplicates: number;
  lastSeenMs: number;
  latest: { readonly report: PreparedReport; readonly receivedAtMs: number } | undefined;
}

class Flush {
  /** States changed by this flush; they replace the committed ones only once the transaction commits. */
  readonly changed = new Map<string, NodeState>();
  private readonly deltas = new Map<string, NodeDelta>();

  constructor(
    private readonly statements: Statements,
    private readonly committed: ReadonlyMap<string, NodeState>,
  ) {}

  private state(node: string): NodeState | undefined {
    return this.changed.get(node) ?? this.committed.get(node);
  }

  hello(job: HelloJob): { storedSequence: string } {
    const { identity } = job;
    const epochColumn = epochToColumn(job.epoch);
    const known = this.state(identity.node);
    let id: number;
    let stored: bigint;
    if (!known) {
      // A node's row is only ever deleted together with its last timeline row (statements.ts), so a node
      // the store does not know has nothing stored in any epoch.
      stored = 0n;
      const { lastInsertRowid } = this.statements.insertNode.run(
        identity.node,
        epochColumn,
        identity.bootId,
        identity.agentVersion,
        identity.kernel,
        identity.os,
        job.capabilitiesJson,
        identity.intervalMs,
        stored,
        job.nowMs,
        job.nowMs,
      );
      id = Number(lastInsertRowid);
    } else {
      id = known.id;
      // A new epoch starts from what is stored for it: nothing, unless the node switches back to an epoch
      // it used before (two agents claiming one name), whose reports must still not be stored twice.
      stored =
        known.epoch === job.epoch
          ? known.lastSeq
          : ((this.statements.maxSequence.get(id, epochColumn) as bigint | null) ?? 0n);
      this.statements.updateIdentity.run(
        epochColumn,
        identity.bootId,
        identity.agentVersion,
        identity.kernel,
        identity.os,
        job.capabilitiesJson,
        identity.intervalMs,
        stored,
        job.nowMs,
        id,
      );
    }
    this.changed.set(identity.node, { id, epoch: job.epoch, lastSeq: stored });
    return { storedSequence: stored.toString() };
  }

  ingest(job: IngestJob): IngestOutcome {
    const state = this.state(job.node);
    if (!state || state.epoch !== job.epoch) {
      throw new EpochMismatchError(job.node, job.epoch, state?.epoch ?? null);
    }
    const plan = planIngest(
      state.lastSeq,
      job.reports.map((report) => report.sequence),
    );
    const epochColumn = epochToColumn(job.epoch);
    for (const index of plan.store) {
      const prepared = job.reports[index] as PreparedReport;
      this.statements.insertTimeline.run(
        state.id,
        epochColumn,
        prepared.sequence,
        prepared.sampledAtMs,
        job.receivedAtMs,
        prepared.bootIdColumn,
        prepared.hasVitals,
        ...prepared.vitalColumns,
        prepared.findingsJson,
      );
    }
    const delta = this.deltas.get(job.node) ?? {
      received: 0,
      gaps: 0n,
      duplicates: 0,
      lastSeenMs: job.receivedAtMs,
      latest: undefined,
    };
    delta.received += plan.store.length;
    delta.gaps += plan.gaps;
    delta.duplicates += plan.duplicates;
    delta.lastSeenMs = Math.max(delta.lastSeenMs, job.receivedAtMs);
    const lastStored = plan.store.at(-1);
    if (lastStored !== undefined) {
      delta.latest = { report: job.reports[lastStored] as PreparedReport, receivedAtMs: job.receivedAtMs };
    }
    this.deltas.set(job.node, delta);
    this.changed.set(job.node, { ...state, lastSeq: plan.lastSequence });
    return {
      stored: plan.store.length,
      duplicates: plan.duplicates,
      gaps: saturatingCount(plan.gaps),
      ackSequence: plan.lastSequence.toString(),
    };
  }

  /** One UPDATE per node however many of its batches the flush held (a replaying agent sends many). */
  writeDeltas(): void {
    for (const [node, delta] of this.deltas) {
      const state = this.changed.get(node);
      if (!state) continue;
      const counters = [state.lastSeq, delta.received, saturatingCount(delta.gaps), delta.duplicates];
      if (delta.latest) {
        this.statements.updateCountersAndLatest.run(
          ...counters,
          delta.lastSeenMs,
          ...latestColumns(delta.latest.report, delta.latest.receivedAtMs),
          state.id,
        );
      } else {
        this.statements.updateCounters.run(...counters, delta.lastSeenMs, state.id);
      }
    }
  }
}

/**
 * Applies the jobs in one transaction and, once it has committed, folds the node states they changed into
 * `states`. Throws (and changes nothing, in the file or in memory) when the transaction fails.
 */
export function commitWrites(
  db: Database,
  statements: Statements,
  states: Map<string, NodeState>,
  jobs: readonly WriteJob[],
): JobResult<WriteResult>[] {
  const flush = new Flush(statements, states);
  const results = db.transaction((): JobResult<WriteResult>[] => {
    const applied = jobs.map((job): JobResult<WriteResult> => {
      try {
        return { ok: true, value: job.kind === 'hello' ? flush.hello(job) : flush.ingest(job) };
      } catch (error) {
        // Only a job's own precondition fails it alone; anything SQLite throws fails the transaction.
        if (error instanceof EpochMismatchError) return { ok: false, error };
        throw error;
      }
    });
    flush.writeDeltas();
    return applied;
  })();
  for (const [node, state] of flush.changed) states.set(node, state);
  return results;
}
