import type { Database } from 'better-sqlite3';
import { StoreError } from './store-errors.js';

/** One step of the schema, applied once, in order. */
export interface Migration {
  /** 1, 2, 3, …: the PRAGMA user_version once this migration is in. */
  readonly version: number;
  readonly description: string;
  /** Statements run in one transaction with the version bump: a migration is in entirely or not at all. */
  readonly sql: string;
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

function checkConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${index} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

/**
 * Brings the schema forward to the last migration. Refuses (StoreError) a file written by a newer version
 * of the collector: "upgrading" it would turn it into something neither version can read. (Telling our
 * file from another program's is open-database.ts's job, before anything is written.)
 */
export function migrate(db: Database, path: string, migrations: readonly Migration[]): MigrationResult {
  checkConsecutive(migrations);
  const latest = migrations.length;
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > latest) {
    throw new StoreError(
      path,
      `schema version ${from} is newer than this collector supports (${latest}): run a newer collector, or point --data-dir elsewhere`,
    );
  }
  for (const migration of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: latest };
}
