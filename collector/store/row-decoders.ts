/**
 * Rows read back into the contract's shapes. Integers arrive as BigInt (the connection reads every integer
 * safely); counts and times are narrowed to numbers here, sequences and epochs become decimal strings.
 */
import type { NodeRecord, TimelineEntry } from './node-store.js';
import { bootIdFromColumn, findingsFromJson, signalsFromJson } from './report-codecs.js';
import { epochFromColumn } from './sequence.js';
import { TIMELINE_READ_COLUMNS } from './statements.js';
import { VITAL_COLUMNS, vitalsFromColumns, vitalsFromJson } from './vitals-codec.js';

/** A time or count column: an integer (BigInt) or, for a fractional millisecond, a REAL. */
type Numeric = bigint | number;

export interface NodeRow {
  readonly id: bigint;
  readonly name: string;
  readonly epoch: bigint;
  readonly boot_id: string;
  readonly agent_version: string;
  readonly kernel: string;
  readonly os: string;
  readonly capabilities: string;
  readonly interval_ms: Numeric;
  readonly last_seq: bigint;
  readonly received: bigint;
  readonly gaps: bigint;
  readonly duplicates: bigint;
  readonly first_seen: Numeric;
  readonly last_seen: Numeric;
  readonly latest_sequence: bigint | null;
  readonly latest_sampled_at: Numeric | null;
  readonly latest_received_at: Numeric | null;
  readonly latest_boot_id: string | null;
  readonly latest_findings: string | null;
  readonly latest_signals: string | null;
  readonly latest_vitals: string | null;
  readonly latest_samples: string | null;
  readonly latest_sample_duration: number | null;
}

function latestOf(row: NodeRow): NodeRecord['latest'] {
  if (row.latest_sequence === null) return null;
  return {
    sequence: row.latest_sequence.toString(),
    sampledAtMs: Number(row.latest_sampled_at),
    receivedAtMs: Number(row.latest_received_at),
    bootId: row.latest_boot_id ?? '',
    findings: findingsFromJson(row.latest_findings),
    signals: signalsFromJson(row.latest_signals ?? '[]'),
    vitals: vitalsFromJson(row.latest_vitals),
    samplesJson: row.latest_samples ?? '',
    sampleDurationSeconds: row.latest_sample_duration ?? 0,
  };
}

export function decodeNode(row: NodeRow): NodeRecord {
  return {
    node: row.name,
    identity: {
      node: row.name,
      epoch: epochFromColumn(row.epoch),
      bootId: row.boot_id,
      agentVersion: row.agent_version,
      kernel: row.kernel,
      os: row.os,
      capabilities: JSON.parse(row.capabilities) as string[],
      intervalMs: Number(row.interval_ms),
    },
    ingest: {
      received: Number(row.received),
      lastSeq: row.last_seq.toString(),
      gaps: Number(row.gaps),
      duplicates: Number(row.duplicates),
    },
    firstSeenMs: Number(row.first_seen),
    lastSeenMs: Number(row.last_seen),
    latest: latestOf(row),
  };
}

const column = (name: (typeof TIMELINE_READ_COLUMNS)[number]): number => TIMELINE_READ_COLUMNS.indexOf(name);
const SEQUENCE = column('sequence');
const SAMPLED_AT = column('sampled_at');
const RECEIVED_AT = column('received_at');
const BOOT_ID = column('boot_id');
const HAS_VITALS = column('has_vitals');
const FIRST_VITAL = HAS_VITALS + 1;
const FINDINGS = column('findings');

/** One raw timeline row (columns in TIMELINE_READ_COLUMNS order). */
export function decodeTimelineRow(row: readonly unknown[]): TimelineEntry {
  return {
    sequence: String(row[SEQUENCE]),
    sampledAtMs: Number(row[SAMPLED_AT]),
    receivedAtMs: Number(row[RECEIVED_AT]),
    bootId: bootIdFromColumn(row[BOOT_ID]),
    vitals: vitalsFromColumns(
      Number(row[HAS_VITALS]) === 1,
      row.slice(FIRST_VITAL, FIRST_VITAL + VITAL_COLUMNS.length),
    ),
    findings: findingsFromJson((row[FINDINGS] as string | null) ?? null),
  };
}
