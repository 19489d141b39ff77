/**
 * Retention in bounded chunks. A day of 15,000 nodes every 10 s is 130 million timeline rows; deleting an
 * hour of them in one statement would hold the (synchronous) database, and with it the event loop, for
 * seconds. Each chunk is its own small transaction, and the event loop runs between chunks — group-commit
 * flushes included, so ingest keeps flowing while an old backlog is pruned.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Statements } from './statements.js';

/**
 * Rows per chunk. Deleting a row touches the table and its three indexes, and in a fleet the rows received
 * together belong to different nodes, so each delete lands on another page of both per-node indexes:
 * bench/store-throughput.ts measured about 13 µs a row (75,000 rows/s), so a chunk holds the event loop for
 * 6-7 ms. A minute of a 15,000-node fleet (90,000 rows) is about 1.2 s of chunks, interleaved with the rest.
 */
export const DEFAULT_PRUNE_CHUNK_ROWS = 500;

export interface PruneOptions {
  readonly chunkRows: number;
  /** Checked before each chunk: close() stops a running prune between chunks. */
  readonly stopped: () => boolean;
  /** The names of the nodes just deleted, so in-memory state can forget them in the same turn. */
  readonly forgetNodes: (names: readonly string[]) => void;
}

/** Deletes timeline rows received before `beforeMs`, then nodes last seen before it. Returns rows deleted. */
export async function pruneInChunks(
  statements: Statements,
  beforeMs: number,
  options: PruneOptions,
): Promise<number> {
  let deleted = 0;
  while (!options.stopped()) {
    const { changes } = statements.deleteTimelineChunk.run(beforeMs, options.chunkRows);
    deleted += changes;
    if (changes < options.chunkRows) break;
    await nextTurn();
  }
  while (!options.stopped()) {
    const names = statements.deleteNodesChunk.all(beforeMs, options.chunkRows) as string[];
    options.forgetNodes(names);
    if (names.length < options.chunkRows) break;
    await nextTurn();
  }
  return deleted;
}
