import type { SpoolRecord } from './spool-record.js';

/** One segment of the spool: contiguous sequences, appended in order, deleted as a whole. */
export interface SegmentSummary {
  /** Sequence of the first record; it names the segment. */
  readonly first: bigint;
  readonly last: bigint;
  readonly records: number;
  /** Bytes the segment occupies, record headers included: what the cap counts. */
  readonly bytes: number;
}

/** What the spool persists besides the records. */
export interface SpoolState {
  /** The sequence space (uint64, decimal), chosen once per spool. */
  readonly epoch: string;
  /**
   * Everything up to here is acknowledged or dropped. Written before a segment is deleted, so the next
   * sequence is above every sequence ever handed out even once all segments are gone.
   */
  readonly released: bigint;
}

export interface RecoveredSpool {
  /** undefined for a new (or unreadable) state. */
  readonly state: SpoolState | undefined;
  /** Oldest first. */
  readonly segments: readonly SegmentSummary[];
  /** What recovery had to repair, one sentence each (a torn tail cut, an empty segment removed). */
  readonly repairs: readonly string[];
}

/** A record failed its checksum or broke the sequence while being read back. */
export class SpoolCorruptionError extends Error {}

/**
 * Where the spool keeps segments and state: files under --spool-dir, or memory without one. The Spool
 * decides what goes where (sequencing, cap, acks); storage only keeps bytes.
 */
export interface SpoolStorage {
  /** For logs: the directory, or "memory". */
  readonly location: string;
  /** False for memory: records die with the process. */
  readonly durable: boolean;
  /** Loads what a previous run left, cutting torn or corrupt tails. */
  recover(): Promise<RecoveredSpool>;
  /** Durable when it resolves. */
  saveState(state: SpoolState): Promise<void>;
  /** Appends one record; `fresh` starts the segment. Durable when it resolves. */
  append(segment: bigint, record: SpoolRecord, fresh: boolean): Promise<void>;
  remove(segment: bigint): Promise<void>;
  /**
   * Records of one segment with a sequence above `after`, in order, until `maxBytes` of payload or
   * `maxRecords`; with `atLeastOne`, the first one whatever its size. Throws SpoolCorruptionError.
   */
  read(
    segment: bigint,
    after: bigint,
    maxBytes: number,
    maxRecords: number,
    atLeastOne: boolean,
  ): Promise<SpoolRecord[]>;
  close(): Promise<void>;
}
