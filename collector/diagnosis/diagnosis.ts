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
