/**
 * The store's typed errors. The gRPC and HTTP layers turn each into a status without parsing messages:
 * StoreInputError → INVALID_ARGUMENT / 400, EpochMismatchError → FAILED_PRECONDITION (the agent says Hello
 * again), StoreClosedError → UNAVAILABLE, any other StoreError → INTERNAL / 500 (and a log line).
 */

/** The database file could not be opened, migrated, read or written. Names the file and says why. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  constructor(
    /** The database file (or data directory) concerned. */
    readonly path: string,
    /** Why, in a few words a person can act on: "not a SQLite database", "disk full". */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
  }
}

/** A call after close() began: the store accepts no more work. */
export class StoreClosedError extends StoreError {
  override readonly name: string = 'StoreClosedError';
  constructor(path: string) {
    super(path, 'the store is closed');
  }
}

/**
 * Reports for an epoch that is not the node's current one (another stream said Hello since, with a new
 * epoch), or for a node that never said Hello. Nothing of the batch is stored.
 */
export class EpochMismatchError extends Error {
  override readonly name = 'EpochMismatchError';
  constructor(
    readonly node: string,
    readonly epoch: string,
    /** The node's current epoch, or null when the store does not know the node. */
    readonly currentEpoch: string | null,
  ) {
    super(
      currentEpoch === null
        ? `node ${node}: no Hello stored for it, so epoch ${epoch} cannot be ingested`
        : `node ${node}: epoch ${epoch} is not the current one (${currentEpoch}); the stream must say Hello again`,
    );
  }
}

/** A value the store cannot take (a sequence that is not a uint64, a non-finite time, a bad query). */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}
