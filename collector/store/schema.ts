/**
 * The database schema, as forward migrations. A migration, once released, is never edited: a change is a
 * new migration appended here. PRAGMA user_version holds the number of the last one applied.
 */
import type { Migration } from './migrate.js';

/**
 * Marks the file as nodedoc's (PRAGMA application_id, stored in the database header), so the store can
 * tell its own file from another program's SQLite database. ASCII "nddc".
 */
export const APPLICATION_ID = 0x6e646463;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'nodes and timeline',
    sql: `
      -- One row per node: identity from its latest Hello, ingest counters, and the latest report in full.
      CREATE TABLE nodes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        -- uint64 epoch stored as its signed 64-bit bit pattern (see sequence.ts).
        epoch INTEGER NOT NULL,
        boot_id TEXT NOT NULL,
        agent_version TEXT NOT NULL,
        kernel TEXT NOT NULL,
        os TEXT NOT NULL,
        -- JSON array of strings.
        capabilities TEXT NOT NULL,
        interval_ms INTEGER NOT NULL,
        -- Highest sequence stored in the current epoch; 0 when none.
        last_seq INTEGER NOT NULL,
        received INTEGER NOT NULL DEFAULT 0,
        gaps INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        -- Collector clock, Unix ms.
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        -- The latest stored report (all NULL before the first one).
        latest_sequence INTEGER,
        latest_sampled_at INTEGER,
        latest_received_at INTEGER,
        latest_boot_id TEXT,
        latest_findings TEXT,
        latest_signals TEXT,
        -- JSON array of the vitals in the timeline's column order (null = unset); NULL: no Vitals message.
        latest_vitals TEXT,
        latest_samples TEXT,
        latest_sample_duration REAL
      );

      -- One compact row per stored report: no samples JSON, vitals as columns (charts read them directly).
      CREATE TABLE timeline (
        id INTEGER PRIMARY KEY,
        node_id INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        sampled_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        -- A UUID boot id as 16 bytes (BLOB), anything else as TEXT: no declared type, so either is kept as is.
        boot_id NOT NULL,
        -- 1 when the report carried a Vitals message (its fields may all be unset), else 0.
        has_vitals INTEGER NOT NULL,
        cpu_pressure_ratio REAL,
        cpu_busy_ratio REAL,
        memory_available_bytes REAL,
        memory_total_bytes REAL,
        memory_pressure_ratio REAL,
        disk_used_ratio REAL,
        inodes_used_ratio REAL,
        io_pressure_ratio REAL,
        conntrack_utilization_ratio REAL,
        dns_p95_seconds REAL,
        dns_failure_ratio REAL,
        threads_ratio REAL,
        -- JSON array of findings; NULL when there were none (the common case).
        findings TEXT
      );
      -- Idempotency backstop, and the highest stored sequence of an epoch when a node switches epochs.
      CREATE UNIQUE INDEX timeline_report ON timeline (node_id, epoch, sequence);
      -- The timeline query: one node, a sampled_at range.
      CREATE INDEX timeline_node_time ON timeline (node_id, sampled_at);
      -- Retention: the oldest received first.
      CREATE INDEX timeline_received ON timeline (received_at);

      PRAGMA application_id = ${APPLICATION_ID};
    `,
  },
];

/** The schema version this build writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);
