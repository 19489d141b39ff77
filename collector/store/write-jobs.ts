/**
 * The writes the batcher queues: a Hello or a batch of one node's reports, validated and encoded when they
 * are submitted. Validation happens before queueing so that one caller's bad input is that caller's error,
 * never a failure of the shared transaction. A job holds only strings, numbers, bigints and buffers: it is
 * posted to the writer thread (store-writer.ts), and a structured clone of flat values is a copy, where
 * cloning decoded protobuf objects would cost the event loop more than encoding them once here.
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

/** One report, with the values its timeline row (and, if it is the node's latest, its node row) binds. */
export interface PreparedReport {
  readonly sequence: bigint;
  /** Agent clock, Unix ms. */
  readonly sampledAtMs: number;
  readonly bootId: string;
  readonly bootIdColumn: Uint8Array | string;
  readonly hasVitals: 0 | 1;
  readonly vitalColumns: readonly (number | null)[];
  readonly findingsJson: string | null;
  /**
   * The node row's latest-report columns; null for a report that cannot end up the node's latest (a later
   * report of its batch has a higher sequence), so a replayed batch of 200 does not encode, and post to the
   * writer thread, 199 samples documents that would never be written.
   */
  readonly latest: {
    readonly signalsJson: string;
    readonly samplesJson: string;
    readonly sampleDurationSeconds: number;
  } | null;
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

/** `highestAfter`: the highest sequence of the reports after this one in its batch (none: undefined). */
function prepareReport(
  report: IncomingReport,
  index: number,
  highestAfter: bigint | undefined,
): PreparedReport {
  try {
    const sequence = parseSequence(report.sequence);
    // A report may become the node's latest only if no later one has a higher sequence (a later equal one
    // is its duplicate). In a batch in sequence order, which is what agents send, only the last one.
    const mayBeLatest = highestAfter === undefined || sequence >= highestAfter;
    checkTime(report.sampledAtMs, 'sampledAt');
    if (!Number.isFinite(report.sampleDurationSeconds)) {
      throw new StoreInputError(`sample duration ${report.sampleDurationSeconds} is not finite`);
    }
    checkVitals(report.vitals);
    checkFindings(report.findings);
    return {
      sequence,
      sampledAtMs: report.sampledAtMs,
      bootId: report.bootId,
      bootIdColumn: bootIdToColumn(report.bootId),
      hasVitals: report.vitals ? 1 : 0,
      vitalColumns: vitalsToColumns(report.vitals),
      findingsJson: findingsToJson(report.findings),
      latest: mayBeLatest
        ? {
            signalsJson: signalsToJson(report.signals),
            samplesJson: report.samplesJson,
            sampleDurationSeconds: report.sampleDurationSeconds,
          }
        : null,
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
  // From the end, so each report knows the highest sequence after it.
  const prepared: PreparedReport[] = new Array(reports.length);
  let highestAfter: bigint | undefined;
  for (let index = reports.length - 1; index >= 0; index -= 1) {
    const report = prepareReport(reports[index] as IncomingReport, index, highestAfter);
    prepared[index] = report;
    if (highestAfter === undefined || report.sequence > highestAfter) highestAfter = report.sequence;
  }
  return { kind: 'ingest', node, epoch: canonicalEpoch(epoch), reports: prepared, receivedAtMs };
}

/** The latest report's columns on the node row (samples JSON kept as received, never parsed). */
export function latestColumns(prepared: PreparedReport, receivedAtMs: number): unknown[] {
  const { latest } = prepared;
  if (latest === null) throw new Error(`report ${prepared.sequence} was prepared as never the latest`);
  return [
    prepared.sequence,
    prepared.sampledAtMs,
    receivedAtMs,
    prepared.bootId,
    prepared.findingsJson,
    latest.signalsJson,
    vitalsToJson(prepared.hasVitals === 1, prepared.vitalColumns),
    latest.samplesJson,
    latest.sampleDurationSeconds,
  ];
}

/** The batcher's weight of a job: its rows (an empty batch still updates the node, so it counts one). */
export function jobRows(job: WriteJob): number {
  return job.kind === 'hello' ? 1 : Math.max(1, job.reports.length);
}
