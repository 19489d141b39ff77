import type { Batch__Output } from '../../proto/gen/nodedoc/v1/Batch.js';
import { CauseId } from '../../proto/gen/nodedoc/v1/CauseId.js';
import { CheckId } from '../../proto/gen/nodedoc/v1/CheckId.js';
import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';
import type { Report__Output } from '../../proto/gen/nodedoc/v1/Report.js';
import { Severity } from '../../proto/gen/nodedoc/v1/Severity.js';
import type { SignalReading__Output } from '../../proto/gen/nodedoc/v1/SignalReading.js';
import { SignalState } from '../../proto/gen/nodedoc/v1/SignalState.js';
import type { Vitals__Output } from '../../proto/gen/nodedoc/v1/Vitals.js';
import { collectorError } from '../errors.js';
import type { IncomingReport } from '../store/node-store.js';
import { MAX_SEQUENCE } from '../store/sequence.js';
import {
  checkCount,
  checkElement,
  checkEnum,
  checkNumber,
  checkText,
  checkTimestamp,
  checkToken,
  checkUint64,
  FieldProblem,
} from './field-checks.js';
import { BOOT_ID, SIGNAL_NAME } from './validate-hello.js';
import {
  MAX_ACK_RTT_SECONDS,
  MAX_BOOT_ID_LENGTH,
  MAX_DETAILS_JSON_BYTES,
  MAX_FINDINGS_PER_REPORT,
  MAX_REASON_BYTES,
  MAX_REPORTS_PER_BATCH,
  MAX_SAMPLE_DURATION_SECONDS,
  MAX_SAMPLES_JSON_BYTES,
  MAX_SIGNAL_NAME_LENGTH,
  MAX_SIGNALS_PER_REPORT,
  MAX_SUBJECT_BYTES,
  MAX_SUMMARY_BYTES,
} from './wire-limits.js';

/** A batch whose every field was checked. */
export interface ValidBatch {
  readonly reports: readonly IncomingReport[];
  /** The agent's clock when it sent the batch, Unix ms; undefined when the agent did not say. */
  readonly sentAtMs: number | undefined;
  readonly lastAckRttSeconds: number;
}

/** The numeric fields of Vitals (not protobufjs's `_field` oneof markers). */
type VitalName = Exclude<keyof Vitals__Output, `_${string}`>;

/**
 * Vitals and how far each may go. Ratios of a bounded share (PSI, used space, failed probes) stay in
 * [0, 1]; conntrack and thread utilisation can exceed 1 when someone lowers the maximum below the count in
 * use, so those are only non-negative.
 */
const VITALS: Readonly<Record<VitalName, number>> = {
  cpuPressureRatio: 1,
  cpuBusyRatio: 1,
  memoryAvailableBytes: Number.MAX_SAFE_INTEGER,
  memoryTotalBytes: Number.MAX_SAFE_INTEGER,
  memoryPressureRatio: 1,
  diskUsedRatio: 1,
  inodesUsedRatio: 1,
  ioPressureRatio: 1,
  conntrackUtilizationRatio: Number.MAX_VALUE,
  dnsP95Seconds: Number.MAX_VALUE,
  dnsFailureRatio: 1,
  threadsRatio: Number.MAX_VALUE,
};

/** cpuPressureRatio -> cpu_pressure_ratio: errors name fields as the .proto does. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Each vital with its bound and its .proto name, worked out once rather than per report. */
const VITAL_LIMITS: ReadonlyArray<readonly [VitalName, number, string]> = (
  Object.entries(VITALS) as [VitalName, number][]
).map(([name, max]) => [name, max, snake(name)]);

/** `{...}` with only whitespace around: a cheap shape check instead of parsing on the ingest path. */
function looksLikeJsonObject(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('{') && trimmed.endsWith('}');
}

function validDetails(field: string, text: string): string {
  if (text === '') return text;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DETAILS_JSON_BYTES) {
    throw new FieldProblem(field, `is ${bytes} bytes; at most ${MAX_DETAILS_JSON_BYTES} are allowed`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FieldProblem(field, 'is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FieldProblem(field, 'must be a JSON object');
  }
  return text;
}

/** One finding; field names are relative to it (checkElement adds where it is). */
function validFinding(finding: Finding__Output): Finding__Output {
  const summary = checkText('summary', finding.summary, MAX_SUMMARY_BYTES);
  if (summary.trim() === '') throw new FieldProblem('summary', 'must not be empty');
  const clean: Finding__Output = {
    check: checkEnum('check', finding.check, CheckId),
    cause: checkEnum('cause', finding.cause, CauseId),
    severity: checkEnum('severity', finding.severity, Severity),
    summary,
    subject: checkText('subject', finding.subject, MAX_SUBJECT_BYTES),
    detailsJson: validDetails('details_json', finding.detailsJson),
  };
  // Proto3 optional fields are absent (not defaulted) when unset: keep them absent.
  if (finding.value !== undefined && finding.value !== null) {
    clean.value = checkNumber('value', finding.value, -Number.MAX_VALUE, Number.MAX_VALUE);
  }
  if (finding.threshold !== undefined && finding.threshold !== null) {
    clean.threshold = checkNumber('threshold', finding.threshold, -Number.MAX_VALUE, Number.MAX_VALUE);
  }
  return clean;
}

/** One signal reading; field names are relative to it. */
function validSignal(reading: SignalReading__Output): SignalReading__Output {
  return {
    signal: checkToken(
      'signal',
      reading.signal,
      MAX_SIGNAL_NAME_LENGTH,
      SIGNAL_NAME,
      'a signal name like cpu',
    ),
    state: checkEnum('state', reading.state, SignalState),
    reason: checkText('reason', reading.reason, MAX_REASON_BYTES),
  };
}

function validVitals(vitals: Vitals__Output | null): Vitals__Output | null {
  if (vitals === null) return null;
  const clean: Vitals__Output = {};
  for (const [key, max, protoName] of VITAL_LIMITS) {
    const value = vitals[key];
    if (value === undefined || value === null) continue;
    clean[key] = checkNumber(`vitals.${protoName}`, value, 0, max);
  }
  return clean;
}

/** One report; field names are relative to it (validateBatch adds which report). */
function validReport(report: Report__Output, previous: bigint): IncomingReport {
  // The store keeps sequences in SQLite's signed 64-bit integers; larger ones are refused here, cleanly.
  const sequence = checkUint64('sequence', report.sequence, 1n, MAX_SEQUENCE);
  if (sequence <= previous) {
    throw new FieldProblem(
      'sequence',
      `${sequence} does not follow ${previous}: reports must be in sequence order`,
    );
  }
  checkCount('findings', report.findings.length, MAX_FINDINGS_PER_REPORT);
  checkCount('signals', report.signals.length, MAX_SIGNALS_PER_REPORT);
  const samplesBytes = Buffer.byteLength(report.samplesJson, 'utf8');
  if (samplesBytes > MAX_SAMPLES_JSON_BYTES) {
    throw new FieldProblem(
      'samples_json',
      `is ${samplesBytes} bytes; at most ${MAX_SAMPLES_JSON_BYTES} are allowed`,
    );
  }
  if (report.samplesJson !== '' && !looksLikeJsonObject(report.samplesJson)) {
    throw new FieldProblem('samples_json', 'must be a JSON object');
  }
  return {
    sequence: sequence.toString(),
    sampledAtMs: checkTimestamp('sampled_at', report.sampledAt),
    bootId: checkToken('boot_id', report.bootId, MAX_BOOT_ID_LENGTH, BOOT_ID, 'a UUID (or empty)'),
    findings: report.findings.map((finding, index) =>
      checkElement('findings', index, () => validFinding(finding)),
    ),
    signals: report.signals.map((reading, index) =>
      checkElement('signals', index, () => validSignal(reading)),
    ),
    vitals: validVitals(report.vitals),
    samplesJson: report.samplesJson,
    sampleDurationSeconds: checkNumber(
      'sample_duration_seconds',
      report.sampleDurationSeconds,
      0,
      MAX_SAMPLE_DURATION_SECONDS,
    ),
  };
}

/** Checks every field of a Batch; throws CollectorError INVALID_BATCH naming the first bad field. */
export function validateBatch(batch: Batch__Output): ValidBatch {
  try {
    checkCount('reports', batch.reports.length, MAX_REPORTS_PER_BATCH, 1);
    const reports: IncomingReport[] = [];
    let previous = 0n;
    for (const [index, report] of batch.reports.entries()) {
      const valid = checkElement('reports', index, () => validReport(report, previous));
      reports.push(valid);
      previous = BigInt(valid.sequence);
    }
    return {
      reports,
      sentAtMs: batch.sentAt === null ? undefined : checkTimestamp('sent_at', batch.sentAt),
      lastAckRttSeconds: checkNumber('last_ack_rtt_seconds', batch.lastAckRttSeconds, 0, MAX_ACK_RTT_SECONDS),
    };
  } catch (error) {
    if (error instanceof FieldProblem) {
      throw collectorError('INVALID_BATCH', { field: error.field, reason: error.reason });
    }
    throw error;
  }
}
