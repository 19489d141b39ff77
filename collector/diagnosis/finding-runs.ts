import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';
import type { EvidenceItem } from './diagnosis.js';

/** Findings are the same symptom across reports when check and subject agree (a disk path, a DNS server). */
export function findingKey(finding: Finding__Output): string {
  return `${finding.check}\u0000${finding.subject}`;
}

/**
 * Carries each finding's unbroken run forward by one report: a finding also in the previous report keeps
 * its first-seen time and counts one more report; a new one starts a run; one that is gone ends its run.
 */
export function advanceRuns(
  previous: ReadonlyMap<string, EvidenceItem>,
  findings: readonly Finding__Output[],
  sampledAtMs: number,
): Map<string, EvidenceItem> {
  const next = new Map<string, EvidenceItem>();
  for (const finding of findings) {
    const key = findingKey(finding);
    if (next.has(key)) continue;
    const before = previous.get(key);
    next.set(key, {
      finding,
      firstSeenMs: before?.firstSeenMs ?? sampledAtMs,
      lastSeenMs: sampledAtMs,
      reports: (before?.reports ?? 0) + 1,
    });
  }
  return next;
}

/** Runs at the end of a sequence of reports, oldest first (a timeline read back from the store). */
export function runsOf(
  reports: readonly { readonly findings: readonly Finding__Output[]; readonly sampledAtMs: number }[],
): Map<string, EvidenceItem> {
  let runs = new Map<string, EvidenceItem>();
  for (const report of reports) runs = advanceRuns(runs, report.findings, report.sampledAtMs);
  return runs;
}
