import type { SpoolRecord } from './spool-record.js';
import type { RecoveredSpool, SpoolState, SpoolStorage } from './spool-storage.js';

/**
 * The spool without --spool-dir: the same segments, cap and accounting as on disk (the Spool counts record
 * headers either way, so the cap means the same thing), held in memory. Reports not yet acknowledged die
 * with the process.
 */
export class MemorySpoolStorage implements SpoolStorage {
  readonly location = 'memory';
  readonly durable = false;
  private readonly segments = new Map<bigint, SpoolRecord[]>();

  async recover(): Promise<RecoveredSpool> {
    return { state: undefined, segments: [], repairs: [] };
  }

  async saveState(_state: SpoolState): Promise<void> {
    // Nothing outlives the process.
  }

  async append(segment: bigint, record: SpoolRecord, fresh: boolean): Promise<void> {
    const records = fresh ? [] : this.segments.get(segment);
    if (records === undefined) throw new Error(`memory spool has no segment ${segment}`);
    records.push(record);
    this.segments.set(segment, records);
  }

  async remove(segment: bigint): Promise<void> {
    this.segments.delete(segment);
  }

  async read(
    segment: bigint,
    after: bigint,
    maxBytes: number,
    maxRecords: number,
    atLeastOne: boolean,
  ): Promise<SpoolRecord[]> {
    const result: SpoolRecord[] = [];
    let bytes = 0;
    for (const record of this.segments.get(segment) ?? []) {
      if (record.sequence <= after) continue;
      if (result.length >= maxRecords) break;
      if ((result.length > 0 || !atLeastOne) && bytes + record.payload.length > maxBytes) break;
      result.push(record);
      bytes += record.payload.length;
    }
    return result;
  }

  async close(): Promise<void> {
    this.segments.clear();
  }
}
