/**
 * Every statement the store runs, prepared once when it opens: on the ingest path SQLite then only binds
 * and steps, it never parses SQL. Positional parameters, bound from arrays in column order.
 */
import type { Database, Statement } from 'better-sqlite3';
import { VITAL_COLUMNS } from './vitals-codec.js';

const TIMELINE_COLUMNS = [
  'node_id',
  'epoch',
  'sequence',
  'sampled_at',
  'received_at',
  'boot_id',
  'has_vitals',
  ...VITAL_COLUMNS,
  'findings',
];

/** The columns a timeline read returns, in this order (TimelineRow indexes into it). */
export const TIMELINE_READ_COLUMNS = [
  'sequence',
  'sampled_at',
  'received_at',
  'boot_id',
  'has_vitals',
  ...VITAL_COLUMNS,
  'findings',
] as const;

const NODE_COLUMNS = `id, name, epoch, boot_id, agent_version, kernel, os, capabilities, interval_ms, last_seq,
  received, gaps, duplicates, first_seen, last_seen, latest_sequence, latest_sampled_at, latest_received_at,
  latest_boot_id, latest_findings, latest_signals, latest_vitals, latest_samples, latest_sample_duration`;

/** Gap counts saturate at 2^53-1 (see ingest-plan.ts), in SQL too so the sum can never overflow int64. */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

export interface Statements {
  readonly nodeStates: Statement;
  readonly insertNode: Statement;
  readonly updateIdentity: Statement;
  readonly maxSequence: Statement;
  readonly insertTimeline: Statement;
  readonly updateCounters: Statement;
  readonly updateCountersAndLatest: Statement;
  readonly allNodes: Statement;
  readonly oneNode: Statement;
  readonly timeline: Statement;
  readonly deleteTimelineChunk: Statement;
  readonly deleteNodesChunk: Statement;
}

export function prepareStatements(db: Database): Statements {
  return {
    nodeStates: db.prepare('SELECT id, name, epoch, last_seq FROM nodes'),
    insertNode: db.prepare(
      `INSERT INTO nodes (name, epoch, boot_id, agent_version, kernel, os, capabilities, interval_ms, last_seq,
         first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateIdentity: db.prepare(
      `UPDATE nodes SET epoch = ?, boot_id = ?, agent_version = ?, kernel = ?, os = ?, capabilities = ?,
         interval_ms = ?, last_seq = ?, last_seen = max(last_seen, ?)
       WHERE id = ?`,
    ),
    maxSequence: db.prepare('SELECT max(sequence) FROM timeline WHERE node_id = ? AND epoch = ?').pluck(),
    insertTimeline: db.prepare(
      `INSERT INTO timeline (${TIMELINE_COLUMNS.join(', ')})
       VALUES (${TIMELINE_COLUMNS.map(() => '?').join(', ')})`,
    ),
    updateCounters: db.prepare(
      `UPDATE nodes SET last_seq = ?, received = received + ?, gaps = min(gaps + ?, ${MAX_COUNT}),
         duplicates = duplicates + ?, last_seen = max(last_seen, ?)
       WHERE id = ?`,
    ),
    updateCountersAndLatest: db.prepare(
      `UPDATE nodes SET last_seq = ?, received = received + ?, gaps = min(gaps + ?, ${MAX_COUNT}),
         duplicates = duplicates + ?, last_seen = max(last_seen, ?),
         latest_sequence = ?, latest_sampled_at = ?, latest_received_at = ?, latest_boot_id = ?,
         latest_findings = ?, latest_signals = ?, latest_vitals = ?, latest_samples = ?,
         latest_sample_duration = ?
       WHERE id = ?`,
    ),
    allNodes: db.prepare(`SELECT ${NODE_COLUMNS} FROM nodes ORDER BY name`),
    oneNode: db.prepare(`SELECT ${NODE_COLUMNS} FROM nodes WHERE name = ?`),
    // Newest first so LIMIT keeps the newest; the caller reverses to oldest first. id breaks ties in
    // sampled_at (an agent clock stepping back) by arrival.
    timeline: db
      .prepare(
        `SELECT ${TIMELINE_READ_COLUMNS.join(', ')} FROM timeline
         WHERE node_id = (SELECT id FROM nodes WHERE name = ?) AND sampled_at BETWEEN ? AND ?
         ORDER BY sampled_at DESC, id DESC
         LIMIT ?`,
      )
      .raw(),
    deleteTimelineChunk: db.prepare(
      `DELETE FROM timeline WHERE id IN
         (SELECT id FROM timeline WHERE received_at < ? ORDER BY received_at LIMIT ?)`,
    ),
    // A node still holding timeline rows is kept, so no row is ever left without its node (a node's rows
    // were all received before it was last seen, so this only matters if callers' clocks disagree).
    deleteNodesChunk: db
      .prepare(
        `DELETE FROM nodes WHERE id IN
           (SELECT id FROM nodes WHERE last_seen < ?
              AND NOT EXISTS (SELECT 1 FROM timeline WHERE timeline.node_id = nodes.id)
            LIMIT ?)
         RETURNING name`,
      )
      .pluck(),
  };
}
