import { causeFromProto } from '../../common/ids.js';
import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';
import { traitsOf } from './cause-catalog.js';
import type { EvidenceItem } from './diagnosis.js';
import { CLEAR_REPORTS } from './hysteresis.js';

/** Findings are the same symptom across reports when check and subject agree (a disk path, a DNS server). */
export function findingKey(finding: Finding__Output): string {
  return `${finding.check}\u0000${finding.subject}`;
}

/** A finding the board still holds: in the latest report, or recently gone and not yet cleared. */
export interface HeldFinding {
  readonly item: EvidenceItem;
  /** Consecutive reports since the last one that carried it (0: in the latest report). */
  readonly missed: number;
  /** Collector clock of the last report that carried it, Unix ms (event windows age on it). */
  readonly receivedAtMs: number;
}

export function isEventFinding(finding: Finding__Output): boolean {
  return traitsOf(causeFromProto(finding.cause)).event;
}

/** An event finding last reported before `nowMs - eventWindowMs` has aged out. */
export function agedOut(held: HeldFinding, nowMs: number, eventWindowMs: number): boolean {
  return isEventFinding(held.item.finding) && nowMs - held.receivedAtMs > eventWindowMs;
}

/**
 * Carries each finding's run forward by one report: a finding also held before keeps its first-seen time and
 * counts one more report (a run resumed within the clearing grace continues); a new one starts a run. A held
 * state finding missing from the report counts a miss and is dropped after CLEAR_REPORTS of them; an event
 * finding stays until its window has passed.
 */
export function advanceRuns(
  previous: ReadonlyMap<string, HeldFinding>,
  findings: readonly Finding__Output[],
  sampledAtMs: number,
  receivedAtMs: number,
  eventWindowMs: number,
): Map<string, HeldFinding> {
  const next = new Map<string, HeldFinding>();
  for (const finding of findings) {
    const key = findingKey(finding);
    if (next.has(key)) continue;
    const before = previous.get(key)?.item;
    next.set(key, {
      item: {
        finding,
        firstSeenMs: before?.firstSeenMs ?? sampledAtMs,
        lastSeenMs: sampledAtMs,
        reports: (before?.reports ?? 0) + 1,
      },
      missed: 0,
      receivedAtMs,
    });
  }
  for (const [key, held] of previous) {
    if (next.has(key)) continue;
    const missed = held.missed + 1;
    if (isEventFinding(held.item.finding)) {
      if (!agedOut(held, receivedAtMs, eventWindowMs)) next.set(key, { ...held, missed });
    } else if (missed < CLEAR_REPORTS) next.set(key, { ...held, missed });
  }
  return next;
}

/** Runs at the end of a sequence of reports, oldest first (a timeline read back from the store). */
export function runsOf(
  reports: readonly {
    readonly findings: readonly Finding__Output[];
    readonly sampledAtMs: number;
    readonly receivedAtMs: number;
  }[],
  eventWindowMs: number,
): Map<string, HeldFinding> {
  let runs = new Map<string, HeldFinding>();
  for (const report of reports) {
    runs = advanceRuns(runs, report.findings, report.sampledAtMs, report.receivedAtMs, eventWindowMs);
  }
  return runs;
}
