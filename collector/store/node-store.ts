/**
 * The collector's storage contract: what ingest writes and what the query APIs read. The embedded
 * implementation is SQLite (better-sqlite3, WAL) under --data-dir; anything else (a test double, another
 * database) implements this interface.
 *
 * Sequences are decimal strings: they are uint64 on the wire and compared as BigInt, never as numbers.
 */
import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';
import type { SignalReading__Output } from '../../proto/gen/nodedoc/v1/SignalReading.js';
import type { Vitals__Output } from '../../proto/gen/nodedoc/v1/Vitals.js';

/** What an agent said about itself when its stream opened (validated Hello). */
export interface AgentIdentity {
  readonly node: string;
  readonly epoch: string;
  readonly bootId: string;
  readonly agentVersion: string;
  readonly kernel: string;
  readonly os: string;
  readonly capabilities: readonly string[];
  /** The agent's sampling interval; the node is Unreachable after three of them without a report. */
  readonly intervalMs: number;
}

/** One validated report, ready to store. */
export interface IncomingReport {
  readonly sequence: string;
  /** Agent clock, Unix milliseconds. */
  readonly sampledAtMs: number;
  readonly bootId: string;
  readonly findings: readonly Finding__Output[];
  readonly signals: readonly SignalReading__Output[];
  readonly vitals: Vitals__Output | null;
  readonly samplesJson: string;
  readonly sampleDurationSeconds: number;
}

/** Per-node ingest figures (the API's `ingest`). */
export interface IngestStats {
  /** Reports stored (all epochs). */
  readonly received: number;
  /** Highest sequence stored in the current epoch ("0" when none). */
  readonly lastSeq: string;
  /** Sequences skipped over in the current and earlier epochs: never arrived, counted once. */
  readonly gaps: number;
  /** Reports received again after they were stored, not stored twice. */
  readonly duplicates: number;
}

/** What the store knows about one node: identity, ingest figures and the latest report. */
export interface NodeRecord {
  readonly node: string;
  readonly identity: AgentIdentity;
  readonly ingest: IngestStats;
  /** Collector clock, Unix ms: first Hello ever, and the last report (or Hello) received. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** The latest stored report, or null before the first one. */
  readonly latest: (IncomingReport & { readonly receivedAtMs: number }) | null;
}

/** One stored report as the timeline shows it (no samples JSON: that is kept for the latest only). */
export interface TimelineEntry {
  readonly sequence: string;
  readonly sampledAtMs: number;
  readonly receivedAtMs: number;
  readonly bootId: string;
  readonly vitals: Vitals__Output | null;
  readonly findings: readonly Finding__Output[];
}

/** The outcome of storing a batch of one node's reports. */
export interface IngestOutcome {
  /** Reports newly stored. */
  readonly stored: number;
  /** Reports already stored before (replays), ignored. */
  readonly duplicates: number;
  /** Sequences skipped by this batch (counted as gaps). */
  readonly gaps: number;
  /** The sequence to acknowledge: everything up to it is stored or counted as a gap. */
  readonly ackSequence: string;
}

export interface NodeStore {
  /**
   * Registers (or refreshes) a node's identity when its stream opens. Returns the highest sequence stored
   * for this epoch ("0" when the epoch is new), which the Welcome tells the agent.
   */
  hello(identity: AgentIdentity, nowMs: number): Promise<{ storedSequence: string }>;
  /**
   * Stores one node's reports of one epoch, in order, idempotently per (node, epoch, sequence). Resolves
   * once they are durable and queryable (the caller acks only then). A sequence at or below the stored
   * one is a duplicate; a jump past stored+1 counts the skipped sequences as gaps.
   */
  ingest(
    node: string,
    epoch: string,
    reports: readonly IncomingReport[],
    receivedAtMs: number,
  ): Promise<IngestOutcome>;
  listNodes(): Promise<NodeRecord[]>;
  getNode(node: string): Promise<NodeRecord | undefined>;
  /** Reports of a node with sampledAt in [sinceMs, untilMs], oldest first, at most `limit` (newest kept). */
  timeline(node: string, sinceMs: number, untilMs: number, limit: number): Promise<TimelineEntry[]>;
  /**
   * Retention: deletes timeline entries received before `beforeMs`, and nodes last seen before it (a node
   * gone for the whole window is decommissioned, not Unreachable). Returns the number of entries deleted.
   */
  prune(beforeMs: number): Promise<number>;
  /** Flushes pending writes and closes the database. */
  close(): Promise<void>;
}
