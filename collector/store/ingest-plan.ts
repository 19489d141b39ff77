/**
 * The idempotency rule of the NodeStore contract, as a pure function so it can be checked against a model
 * without a database: reports are taken in the order given; a sequence at or below the highest stored is a
 * duplicate (not stored again); a sequence past stored+1 is stored and the sequences skipped over are gaps,
 * counted once (a skipped sequence arriving later is at or below the stored one, hence a duplicate).
 */

export interface IngestPlan {
  /** Indexes (into the batch) of the reports to store, ascending. */
  readonly store: readonly number[];
  readonly duplicates: number;
  /** Sequences skipped over. A bigint: one hostile jump can skip up to 2^63 of them. */
  readonly gaps: bigint;
  /** The highest sequence stored once the batch is in. */
  readonly lastSequence: bigint;
}

export function planIngest(storedSequence: bigint, sequences: readonly bigint[]): IngestPlan {
  const store: number[] = [];
  let duplicates = 0;
  let gaps = 0n;
  let last = storedSequence;
  sequences.forEach((sequence, index) => {
    if (sequence <= last) {
      duplicates += 1;
      return;
    }
    gaps += sequence - last - 1n;
    last = sequence;
    store.push(index);
  });
  return { store, duplicates, gaps, lastSequence: last };
}

/** Counts are numbers in the contract: a gap count beyond 2^53 is pinned there (it means "absurdly many"). */
export function saturatingCount(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
