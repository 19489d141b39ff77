/**
 * Retention in bounded chunks. A day of 15,000 nodes every 10 s is 130 million timeline rows; deleting an
 * hour of them in one statement would hold the database's one writer for seconds, and every ack behind
 * it. Each chunk is its own small transaction on the writer thread, and group commits queued meanwhile
 * run between chunks, so ingest keeps flowing while an old backlog is pruned.
 */
import type { StoreWriter } from './store-writer.js';

/**
 * Rows per chunk. Deleting a row touches the table and its three indexes, and in a fleet the rows received
 * together belong to different nodes, so each delete lands on another page of both per-node indexes:
 * bench/store-throughput.ts measured about 13 µs a row (75,000 rows/s), so a chunk holds the writer for
 * 6-7 ms. A minute of a 15,000-node fleet (90,000 rows) is about 1.2 s of chunks, interleaved with commits.
 */
export const DEFAULT_PRUNE_CHUNK_ROWS = 500;

export interface PruneOptions {
  readonly chunkRows: number;
  /** Checked before each chunk: close() stops a running prune between chunks. */
  readonly stopped: () => boolean;
}

/** Deletes timeline rows received before `beforeMs`, then nodes last seen before it. Returns rows deleted. */
export async function pruneInChunks(
  writer: Pick<StoreWriter, 'pruneTimeline' | 'pruneNodes'>,
  beforeMs: number,
  options: PruneOptions,
): Promise<number> {
  let deleted = 0;
  while (!options.stopped()) {
    const changes = await writer.pruneTimeline(beforeMs, options.chunkRows);
    deleted += changes;
    if (changes < options.chunkRows) break;
  }
  // The writer thread forgets the deleted nodes' states in the same step (writer-thread.ts).
  while (!options.stopped()) {
    const names = await writer.pruneNodes(beforeMs, options.chunkRows);
    if (names.length < options.chunkRows) break;
  }
  return deleted;
}
