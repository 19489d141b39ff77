import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge, type Registry } from 'prom-client';

/** Bytes of the regular files directly in `dir` (the database and its WAL and shared-memory files). */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      total += statSync(join(dir, entry.name)).size;
    } catch {
      // Deleted between listing and stat (a checkpointed WAL): it no longer takes space.
    }
  }
  return total;
}

/** nodedoc_collector_store_size_bytes: what the embedded store takes on disk under --data-dir. */
export function registerStoreSizeMetric(registry: Registry, dataDir: string): void {
  new Gauge({
    name: 'nodedoc_collector_store_size_bytes',
    help: 'Size of the embedded store on disk (database, WAL and shared-memory files), bytes.',
    registers: [registry],
    collect() {
      try {
        this.set(directoryBytes(dataDir));
      } catch {
        // No data directory (yet): report nothing rather than a misleading zero.
        this.reset();
      }
    },
  });
}
