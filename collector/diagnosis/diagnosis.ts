import type { CauseIdString, SeverityString } from '../../common/ids.js';
import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';

/** A node's status as the APIs spell it. */
export type StatusName = 'Ready' | 'AtRisk' | 'NotReady' | 'Unreachable';
export const STATUS_NAMES: readonly StatusName[] = ['Ready', 'AtRisk', 'NotReady', 'Unreachable'];

/** One finding a cause rests on, with the unbroken run of reports it has been in. */
export interface EvidenceItem {
  readonly finding: Finding__Output;
  /** sampledAt (agent clock, Unix ms) of the first and the latest report of the run. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Consecutive reports carrying it, up to the latest. */
  readonly reports: number;
  /**
   * Where evidence that is not an agent finding came from: the Node's Ready condition in the Kubernetes API,
   * or the collector's own measurement (clock offset). Unset for the agent's findings. The `finding` then is
   * synthesized (check unspecified, the cause it supports) so every API can show it like a finding.
   */
  readonly origin?: EvidenceOrigin;
}

/** The pseudo checks of evidence that the agent did not report. */
export type CollectorCheck = 'node-ready-condition' | 'clock-offset';

export interface EvidenceOrigin {
  readonly source: 'kubernetes' | 'collector';
  readonly check: CollectorCheck;
}

export interface CauseView {
  readonly id: CauseIdString;
  readonly scope: 'node' | 'fleet';
  readonly severity: SeverityString;
  /** 0-1. */
  readonly confidence: number;
  readonly summary: string;
  /** Most severe first. */
  readonly evidence: readonly EvidenceItem[];
  readonly remediation: readonly string[];
  /** Path of the cause's runbook on the collector's HTTP server. */
  readonly runbook: string;
  /** Present causes this one explains (it is their root), e.g. conntrack-exhaustion → dns-failure. */
  readonly explains?: readonly CauseIdString[];
  /** Present causes that explain this one: it is their symptom and ranks after them. */
  readonly explainedBy?: readonly CauseIdString[];
}

/** What the collector concludes about one node. */
export interface Diagnosis {
  readonly status: StatusName;
  /** Ranked, most likely first. */
  readonly causes: readonly CauseView[];
}

export function runbookPath(id: CauseIdString): string {
  return `/runbooks/${id}`;
}

/**
 * What a change is judged on: status and each cause's id, scope, severity and confidence. Summaries are left
 * out on purpose: they carry live numbers ("MemAvailable 81 MiB") that move with every report, and a watcher
 * wants to hear when the diagnosis changes, not when a number does.
 */
export function diagnosisSignature(diagnosis: Diagnosis): string {
  return [
    diagnosis.status,
    ...diagnosis.causes.map((cause) => `${cause.id}/${cause.scope}/${cause.severity}/${cause.confidence}`),
  ].join('|');
}
