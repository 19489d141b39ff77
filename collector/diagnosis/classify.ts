/**
 * The classifier: one node's held findings, its readiness from the API, its clock offset, its silence and
 * the fleet's verdicts → status and ranked causes. Pure; the board owns the state and calls it.
 *
 * - A cause is raised when a finding of it has run long enough for its severity (hysteresis.ts); it clears
 *   after CLEAR_REPORTS reports without it; events stay for the event window.
 * - Relations (cause-relations.ts): a present root ranks before the symptoms it explains, the symptom says
 *   so, and the root's confidence rises per symptom explained.
 * - Ranking: roots before explained symptoms, then severity (a root ranks at the worst severity it
 *   explains), then confidence, then id (stable output).
 */
import { formatDuration } from '../../common/duration.js';
import {
  type CauseIdString,
  type SeverityString,
  severityFromProto,
  severityRank,
} from '../../common/ids.js';
import { remediationFor, traitsOf } from './cause-catalog.js';
import { evidenceByCause, rootsOf } from './cause-relations.js';
import { type ClockOffset, type ClockSkewThresholds, clockSkewEvidence } from './clock-skew.js';
import {
  type CauseView,
  type Diagnosis,
  type EvidenceItem,
  runbookPath,
  type StatusName,
} from './diagnosis.js';
import { agedOut, type HeldFinding } from './finding-runs.js';
import type { FleetVerdict } from './fleet-scope.js';
import {
  CLEAR_REPORTS,
  CLEARING_CONFIDENCE_FACTOR,
  isUnreachable,
  raiseReports,
  roundConfidence,
  runConfidence,
  UNREACHABLE_INTERVALS,
} from './hysteresis.js';
import type { NodeReadiness } from './node-readiness.js';
import {
  describeReadiness,
  isNotReady,
  READINESS_CONFIDENCE_BONUS,
  readinessEvidence,
  readinessPattern,
} from './readiness-evidence.js';

/** Confidence a root gains for each present symptom it explains: the symptoms corroborate it. */
export const EXPLAINS_CONFIDENCE_BONUS = 0.1;

/** A raised cause's evidence, before it is judged. */
export interface RaisedCause {
  readonly items: EvidenceItem[];
  /** Every finding of it was missing from the latest report: it is clearing. */
  readonly clearing: boolean;
  /** A one-off event (oom-kill, node-reboot, kernel-hang). */
  readonly event: boolean;
}

/** Raised causes from the held findings (and the clock offset, measured by the collector). */
export function raiseCauses(
  held: Iterable<HeldFinding>,
  nowMs: number,
  eventWindowMs: number,
  clock: ClockOffset | undefined,
  clockThresholds: ClockSkewThresholds,
): Map<CauseIdString, RaisedCause> {
  const raised = new Map<CauseIdString, { items: EvidenceItem[]; clearing: boolean; event: boolean }>();
  const present: HeldFinding[] = [];
  for (const entry of held) {
    if (agedOut(entry, nowMs, eventWindowMs)) continue;
    present.push(entry);
  }
  const byCause = evidenceByCause(present.map((entry) => entry.item));
  const missedOf = new Map(present.map((entry) => [entry.item, entry.missed]));
  for (const [id, items] of byCause) {
    const event = traitsOf(id).event;
    const ripe = items.filter(
      (item) => event || item.reports >= raiseReports(severityFromProto(item.finding.severity)),
    );
    if (ripe.length === 0) continue;
    raised.set(id, {
      items: ripe,
      clearing: !event && ripe.every((item) => (missedOf.get(item) ?? 0) > 0),
      event,
    });
  }
  const skew = clock === undefined ? undefined : clockSkewEvidence(clock, clockThresholds);
  if (skew) raised.set('clock-skew', { items: [skew], clearing: false, event: false });
  return raised;
}

/** The causes a node contributes to the fleet tally. */
export function fleetCandidates(raised: ReadonlyMap<CauseIdString, RaisedCause>): Set<CauseIdString> {
  const ids = new Set<CauseIdString>();
  for (const id of raised.keys()) if (traitsOf(id).fleetEligible) ids.add(id);
  return ids;
}

export interface ClassifyInput {
  readonly node: string;
  readonly raised: ReadonlyMap<CauseIdString, RaisedCause>;
  /** Collector clock of the last report or hello, Unix ms. */
  readonly lastSeenMs: number;
  readonly intervalMs: number;
  readonly nowMs: number;
  /** The Ready condition from the API; undefined without a cluster or when the API has no such Node. */
  readonly readiness: NodeReadiness | undefined;
  /** The fleet's verdict on a cause (undefined: node scope). */
  readonly fleet: (id: CauseIdString) => FleetVerdict | undefined;
}

interface Draft {
  id: CauseIdString;
  severity: SeverityString;
  confidence: number;
  summary: string;
  evidence: EvidenceItem[];
  clearing: boolean;
  explains: CauseIdString[];
  explainedBy: CauseIdString[];
  fleet: FleetVerdict | undefined;
}

function worstSeverity(items: readonly EvidenceItem[]): SeverityString {
  let worst: SeverityString = 'info';
  for (const item of items) {
    const severity = severityFromProto(item.finding.severity);
    if (severityRank(severity) > severityRank(worst)) worst = severity;
  }
  return worst;
}

function bySeverity(a: EvidenceItem, b: EvidenceItem): number {
  return (
    severityRank(severityFromProto(b.finding.severity)) - severityRank(severityFromProto(a.finding.severity))
  );
}

function draftOf(id: CauseIdString, cause: RaisedCause): Draft {
  // Stable sort: among equally severe findings the report's own order decides.
  const evidence = [...cause.items].sort(bySeverity);
  const top = evidence[0] as EvidenceItem;
  const base = cause.event ? 1 : runConfidence(Math.max(...evidence.map((item) => item.reports)));
  return {
    id,
    severity: worstSeverity(evidence),
    confidence: cause.clearing ? base * CLEARING_CONFIDENCE_FACTOR : base,
    summary: top.finding.summary,
    evidence,
    clearing: cause.clearing,
    explains: [],
    explainedBy: [],
    fleet: undefined,
  };
}

/** Attaches the Ready condition to the causes it names; adds the fallback cause when NotReady names none. */
function applyReadiness(drafts: Map<CauseIdString, Draft>, readiness: NodeReadiness, node: string): void {
  const pattern = readinessPattern(readiness);
  if (pattern === undefined) return;
  let matched = false;
  for (const id of pattern.causes) {
    const draft = drafts.get(id);
    if (!draft) continue;
    matched = true;
    draft.evidence.push(readinessEvidence(readiness, id, node));
    if (isNotReady(readiness)) draft.confidence += READINESS_CONFIDENCE_BONUS;
  }
  if (matched || !isNotReady(readiness)) return;
  const id = pattern.fallback;
  drafts.set(id, {
    id,
    severity: 'critical',
    confidence: pattern.fallbackConfidence,
    summary: `${describeReadiness(readiness)}; the agent reports nothing that explains it, so ${id} is the likeliest cause.`,
    evidence: [readinessEvidence(readiness, id, node)],
    clearing: false,
    explains: [],
    explainedBy: [],
    fleet: undefined,
  });
}

function applyRelations(drafts: Map<CauseIdString, Draft>): void {
  const present = new Set(drafts.keys());
  const evidenceOf = (id: CauseIdString) => drafts.get(id)?.evidence ?? [];
  for (const draft of drafts.values()) {
    const roots = rootsOf(draft.id, present, evidenceOf);
    draft.explainedBy = roots;
    for (const root of roots) drafts.get(root)?.explains.push(draft.id);
  }
  for (const draft of drafts.values()) {
    draft.confidence += draft.explains.length * EXPLAINS_CONFIDENCE_BONUS;
  }
}

/** The worst severity among a root and what it explains, transitively (the graph is acyclic). */
function rankSeverity(
  draft: Draft,
  drafts: ReadonlyMap<CauseIdString, Draft>,
  seen = new Set<CauseIdString>(),
): number {
  let rank = severityRank(draft.severity);
  seen.add(draft.id);
  for (const id of draft.explains) {
    const symptom = drafts.get(id);
    if (symptom && !seen.has(id)) rank = Math.max(rank, rankSeverity(symptom, drafts, seen));
  }
  return rank;
}

function fleetSummary(draft: Draft, verdict: FleetVerdict): string {
  const traits = traitsOf(draft.id);
  return (
    `${traits.title} on ${verdict.nodes} of ${verdict.reachable} nodes: look at ${traits.fleetLook ?? 'what the nodes share'}, ` +
    `not this node. Here: ${draft.summary}`
  );
}

function summaryOf(draft: Draft, silent: boolean): string {
  let summary = draft.fleet ? fleetSummary(draft, draft.fleet) : draft.summary;
  if (draft.explainedBy.length > 0) summary += ` (explained by ${draft.explainedBy.join(', ')})`;
  if (draft.clearing)
    summary += ` Not in the latest report: clears after ${CLEAR_REPORTS} reports without it.`;
  if (silent) summary = `Before the silence: ${summary}`;
  return summary;
}

function toView(draft: Draft, node: string, silent: boolean): CauseView {
  const subject = draft.evidence.find((item) => item.origin === undefined)?.finding.subject ?? '';
  return {
    id: draft.id,
    scope: draft.fleet ? 'fleet' : 'node',
    severity: draft.severity,
    confidence: roundConfidence(draft.confidence),
    summary: summaryOf(draft, silent),
    evidence: draft.evidence,
    remediation: remediationFor(draft.id, node, subject),
    runbook: runbookPath(draft.id),
    ...(draft.explains.length > 0 ? { explains: draft.explains } : {}),
    ...(draft.explainedBy.length > 0 ? { explainedBy: draft.explainedBy } : {}),
  };
}

function unreachableCause(input: ClassifyInput, others: number): CauseView {
  const silence = formatDuration(input.nowMs - input.lastSeenMs);
  const readiness = input.readiness;
  let summary =
    `No report from the agent for ${silence} (more than ${UNREACHABLE_INTERVALS} intervals of ` +
    `${formatDuration(input.intervalMs)})`;
  if (others > 0)
    summary += '; the causes below rest on the last evidence received before the silence (post-mortem)';
  if (readiness && !isNotReady(readiness)) {
    summary +=
      '; the Kubernetes API still reports the node Ready, so the agent or its path to the collector is the likelier problem';
  }
  return {
    id: 'node-unreachable',
    scope: 'node',
    severity: 'critical',
    // The silence is measured by the collector itself, not inferred from a symptom.
    confidence: 1,
    summary: `${summary}.`,
    evidence: readiness ? [readinessEvidence(readiness, 'node-unreachable', input.node)] : [],
    remediation: remediationFor('node-unreachable', input.node, ''),
    runbook: runbookPath('node-unreachable'),
  };
}

function statusOf(drafts: readonly Draft[], readiness: NodeReadiness | undefined): StatusName {
  const notReady = readiness
    ? isNotReady(readiness)
    : drafts.some((draft) => draft.severity === 'critical' && traitsOf(draft.id).impliesNotReady);
  if (notReady) return 'NotReady';
  return drafts.some((draft) => draft.severity !== 'info') ? 'AtRisk' : 'Ready';
}

export function classify(input: ClassifyInput): Diagnosis {
  const silent = isUnreachable(input.lastSeenMs, input.intervalMs, input.nowMs);
  const drafts = new Map<CauseIdString, Draft>();
  for (const [id, cause] of input.raised) drafts.set(id, draftOf(id, cause));
  // Silent, the node-unreachable cause carries the condition; the other causes are the post-mortem.
  if (input.readiness && !silent) applyReadiness(drafts, input.readiness, input.node);
  applyRelations(drafts);
  if (!silent) {
    for (const draft of drafts.values()) {
      if (traitsOf(draft.id).fleetEligible) draft.fleet = input.fleet(draft.id);
    }
  }
  const ranked = [...drafts.values()]
    .map((draft) => ({ draft, rank: rankSeverity(draft, drafts) }))
    .sort(
      (a, b) =>
        Number(a.draft.explainedBy.length > 0) - Number(b.draft.explainedBy.length > 0) ||
        b.rank - a.rank ||
        b.draft.confidence - a.draft.confidence ||
        a.draft.id.localeCompare(b.draft.id),
    )
    .map(({ draft }) => draft);
  const causes = ranked.map((draft) => toView(draft, input.node, silent));
  if (silent) return { status: 'Unreachable', causes: [unreachableCause(input, causes.length), ...causes] };
  return { status: statusOf(ranked, input.readiness), causes };
}
