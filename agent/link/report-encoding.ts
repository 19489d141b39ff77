import { causeToProto, checkToProto, severityToProto } from '../../common/ids.js';
import { VERSION } from '../../common/version.js';
import type { Finding as ProtoFinding } from '../../proto/gen/nodedoc/v1/Finding.js';
import type { Hello } from '../../proto/gen/nodedoc/v1/Hello.js';
import type { Report } from '../../proto/gen/nodedoc/v1/Report.js';
import type { SignalReading } from '../../proto/gen/nodedoc/v1/SignalReading.js';
import type { SignalState } from '../../proto/gen/nodedoc/v1/SignalState.js';
import type { Finding } from '../finding.js';
import type { Inventory } from '../inventory.js';
import type { AgentReport } from '../report.js';
import { SIGNAL_NAMES } from '../sample-types.js';
import { durationFromMs, timestampFromMs } from './proto-time.js';
import { vitalsFrom } from './vitals.js';

function encodeFinding(finding: Finding): ProtoFinding {
  const encoded: ProtoFinding = {
    check: checkToProto(finding.check),
    cause: causeToProto(finding.cause),
    severity: severityToProto(finding.severity),
    summary: finding.summary,
    subject: finding.subject ?? '',
    detailsJson: finding.details === undefined ? '' : JSON.stringify(finding.details),
  };
  // proto3 `optional`: null in the agent's JSON is "not set" on the wire, not 0.
  if (finding.value !== null) encoded.value = finding.value;
  if (finding.threshold !== null) encoded.threshold = finding.threshold;
  return encoded;
}

const STATE: Readonly<Record<string, keyof typeof SignalState>> = {
  ok: 'SIGNAL_STATE_OK',
  absent: 'SIGNAL_STATE_ABSENT',
  unavailable: 'SIGNAL_STATE_UNAVAILABLE',
  down: 'SIGNAL_STATE_DOWN',
};

function encodeSignals(report: AgentReport): SignalReading[] {
  return SIGNAL_NAMES.map((signal) => {
    const reading = report.samples[signal];
    return {
      signal,
      state: STATE[reading.status] ?? 'SIGNAL_STATE_UNSPECIFIED',
      reason: reading.status === 'ok' ? '' : reading.reason,
    };
  });
}

/**
 * One cycle as the wire's Report (report.proto): findings with their enum ids, every signal's state,
 * the Vitals taken from the samples, the full samples as JSON, and the sequence the spool gave it.
 */
export function encodeReport(report: AgentReport, sequence: bigint): Report {
  return {
    sequence: sequence.toString(),
    sampledAt: timestampFromMs(Date.parse(report.time)),
    bootId: report.bootId ?? '',
    findings: report.findings.map(encodeFinding),
    signals: encodeSignals(report),
    vitals: vitalsFrom(report.samples),
    samplesJson: JSON.stringify(report.samples),
    sampleDurationSeconds: report.sampleDurationSeconds,
  };
}

/** What the Hello is made of besides the static inventory. */
export interface HelloInput {
  readonly nodeName: string;
  /** The boot id of the latest report; empty before the first. */
  readonly bootId: string;
  readonly inventory: Inventory;
  /** The spool's epoch (uint64, decimal). */
  readonly epoch: string;
  /** The sampling interval now in force (the flag, or what the collector asked for). */
  readonly intervalMs: number;
}

/** The first message of every stream (agent_service.proto, Hello). */
export function encodeHello(input: HelloInput): Hello {
  return {
    nodeName: input.nodeName,
    bootId: input.bootId,
    agentVersion: VERSION,
    kernel: input.inventory.kernel ?? '',
    os: input.inventory.os ?? '',
    capabilities: [...SIGNAL_NAMES],
    epoch: input.epoch,
    interval: durationFromMs(input.intervalMs),
  };
}
