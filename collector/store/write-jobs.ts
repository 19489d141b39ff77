/**
 * The writes the batcher queues: a Hello or a batch of one node's reports, validated and encoded when they
 * are submitted. Validation happens before queueing so that one caller's bad input is that caller's error,
 * never a failure of the shared transaction.
 */
import type { AgentIdentity, IncomingReport } from './node-store.js';
import { bootIdToColumn, checkFindings, findingsToJson, signalsToJson } from './report-codecs.js';
import { canonicalEpoch, parseSequence } from './sequence.js';
import { StoreInputError } from './store-errors.js';
import { checkVitals, vitalsToColumns, vitalsToJson } from './vitals-codec.js';

export interface HelloJob {
  readonly kind: 'hello';
  readonly identity: AgentIdentity;
  /** Canonical decimal. */
  readonly epoch: string;
  readonly capabilitiesJson: string;
  readonly nowMs: number;
}

/** One report, with the values its timeline row binds already computed. */
export interface PreparedReport {
  readonly report: IncomingReport;
  readonly sequence: bigint;
  readonly bootIdColumn: Buffer | string;
  readonly hasVitals: 0 | 1;
  readonly vitalColumns: readonly (number | null)[];
  readonly findingsJson: string | null;
}

export interface IngestJob {
  readonly kind: 'ingest';
  readonly node: string;
  /** Canonical decimal. */
  readonly epoch: string;
  readonly reports: readonly PreparedReport[];
  readonly receivedAtMs: number;
}

export type WriteJob = HelloJob | IngestJob;

function checkTime(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StoreInputError(`${what} is ${String(value)}: a finite number of milliseconds is required`);
  }
}

function checkNodeName(node: string): void {
  if (typeof node !== 'string' || node === '') throw new StoreInputError('node name is empty');
}

export function helloJob(identity: AgentIdentity, nowMs: number): HelloJob {
  checkNodeName(identity.node);
  checkTime(nowMs, 'hello time');
  if (!Number.isFinite(identity.intervalMs) || identity.intervalMs < 0) {
    throw new StoreInputError(`interval ${identity.intervalMs} ms is not a non-negative finite number`);
  }
  return {
    kind: 'hello',
    identity,
    epoch: canonicalEpoch(identity.epoch),
    capabilitiesJson: JSON.stringify(identity.capabilities),
    nowMs,
  };
}

function prepareReport(report: IncomingReport, index: number): PreparedReport {
  try {
    checkTime(report.sampledAtMs, 'sampledAt');
    if (!Number.isFinite(report.sampleDurationSeconds)) {
      throw new StoreInputError(`sample duration ${report.sampleDurationSeconds} is not finite`);
    }
    checkVitals(report.vitals);
    checkFindings(report.findings);
    return {
      report,
      sequence: parseSequence(report.sequence),
      bootIdColumn: bootIdToColumn(report.bootId),
      hasVitals: report.vitals ? 1 : 0,
      vitalColumns: vitalsToColumns(report.vitals),
      findingsJson: findingsToJson(report.findings),
    };
  } catch (error) {
    // Name the report, so a batch of 500 says which one is wrong.
    if (error instanceof StoreInputError) throw new StoreInputError(`report ${index}: ${error.message}`);
    throw error;
  }
}

export function ingestJob(
  node: string,
  epoch: string,
  reports: readonly IncomingReport[],
  receivedAtMs: number,
): IngestJob {
  checkNodeName(node);
  checkTime(receivedAtMs, 'receivedAt');
  return {
    kind: 'ingest',
    node,
    epoch: canonicalEpoch(epoch),
    reports: reports.map(prepareReport),
    receivedAtMs,
  };
}

/** The latest report's columns on the node row (samples JSON kept as received, never parsed). */
export function latestColumns(prepared: PreparedReport, receivedAtMs: number): unknown[] {
  const { report } = prepared;
  return [
    prepared.sequence,
    report.sampledAtMs,
    receivedAtMs,
    report.bootId,
    prepared.findingsJson,
    signalsToJson(report.signals),
    vitalsToJson(prepared.hasVitals === 1, prepared.vitalColumns),
    report.samplesJson,
    report.sampleDurationSeconds,
  ];
}

/** The batcher's weight of a job: its rows (an empty batch still updates the node, so it counts one). */
export function jobRows(job: WriteJob): number {
  return job.kind === 'hello' ? 1 : Math.max(1, job.reports.length);
}
