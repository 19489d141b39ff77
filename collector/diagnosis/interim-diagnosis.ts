/**
 * INTERIM: status and causes straight from the agent's latest findings, until the diagnosis issue lands
 * (correlation with the Kubernetes API and the fleet, remediation, fleet scope). That work replaces this module;
 * its callers only rely on `diagnose` and the Diagnosis type.
 *
 * - any critical finding → NotReady, any warning → AtRisk, else Ready;
 * - no report (or hello) for more than UNREACHABLE_INTERVALS agent intervals → Unreachable, with a
 *   node-unreachable cause ranked first and the causes of the last report before the silence after it.
 */
import { formatDuration } from '../../common/duration.js';
import { causeFromProto, type SeverityString, severityFromProto, severityRank } from '../../common/ids.js';
import {
  type CauseView,
  type Diagnosis,
  type EvidenceItem,
  runbookPath,
  type StatusName,
} from './diagnosis.js';

/** The brief's definition of Unreachable: silent for more than three intervals. */
export const UNREACHABLE_INTERVALS = 3;
/**
 * Confidence is the share of CONFIRMING_REPORTS consecutive reports that carried the cause's findings: one
 * report can be a blip between two samples, three in a row (the span that also defines Unreachable) are as
 * sure as the agent's own measurement gets.
 */
export const CONFIRMING_REPORTS = 3;

export interface DiagnosisInput {
  /** The latest report's findings with their runs. */
  readonly evidence: Iterable<EvidenceItem>;
  /** Collector clock of the last report or hello, Unix ms. */
  readonly lastSeenMs: number;
  readonly intervalMs: number;
  readonly nowMs: number;
}

function confidenceOf(reports: number): number {
  return Math.round((Math.min(reports, CONFIRMING_REPORTS) / CONFIRMING_REPORTS) * 100) / 100;
}

function bySeverity(a: EvidenceItem, b: EvidenceItem): number {
  return (
    severityRank(severityFromProto(b.finding.severity)) - severityRank(severityFromProto(a.finding.severity))
  );
}

function causesFrom(evidence: Iterable<EvidenceItem>): CauseView[] {
  const groups = new Map<string, EvidenceItem[]>();
  for (const item of evidence) {
    const id = causeFromProto(item.finding.cause);
    const group = groups.get(id);
    if (group) group.push(item);
    else groups.set(id, [item]);
  }
  const causes: CauseView[] = [];
  for (const group of groups.values()) {
    // Stable sort: among equally severe findings the report's own order decides.
    const ranked = [...group].sort(bySeverity);
    const top = ranked[0];
    if (top === undefined) continue;
    causes.push({
      id: causeFromProto(top.finding.cause),
      scope: 'node',
      severity: severityFromProto(top.finding.severity),
      confidence: confidenceOf(Math.max(...ranked.map((item) => item.reports))),
      summary: top.finding.summary,
      evidence: ranked,
      remediation: [],
      runbook: runbookPath(causeFromProto(top.finding.cause)),
    });
  }
  return causes.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.confidence - a.confidence ||
      a.id.localeCompare(b.id),
  );
}

function statusFrom(causes: readonly CauseView[]): StatusName {
  const worst: SeverityString | undefined = causes[0]?.severity;
  if (worst === 'critical') return 'NotReady';
  if (worst === 'warning') return 'AtRisk';
  return 'Ready';
}

export function isUnreachable(lastSeenMs: number, intervalMs: number, nowMs: number): boolean {
  return nowMs - lastSeenMs > UNREACHABLE_INTERVALS * intervalMs;
}

export function diagnose(input: DiagnosisInput): Diagnosis {
  const causes = causesFrom(input.evidence);
  if (!isUnreachable(input.lastSeenMs, input.intervalMs, input.nowMs)) {
    return { status: statusFrom(causes), causes };
  }
  const silence = formatDuration(input.nowMs - input.lastSeenMs);
  const unreachable: CauseView = {
    id: 'node-unreachable',
    scope: 'node',
    severity: 'critical',
    // The silence is measured by the collector itself, not inferred from a symptom.
    confidence: 1,
    summary:
      `No report from the agent for ${silence} (more than ${UNREACHABLE_INTERVALS} intervals of ` +
      `${formatDuration(input.intervalMs)})${causes.length ? '; the causes below rest on the last report before the silence' : ''}.`,
    evidence: [],
    remediation: [],
    runbook: runbookPath('node-unreachable'),
  };
  return { status: 'Unreachable', causes: [unreachable, ...causes] };
}
