import type { Finding } from '../finding.js';

/** Identity of a finding across cycles: the same check on the same subject. */
export function findingKey(finding: Finding): string {
  return `${finding.check}\u0000${finding.subject ?? ''}`;
}

export interface FindingChanges {
  readonly raised: readonly Finding[];
  readonly cleared: readonly Finding[];
  /** Still active but with a different severity. */
  readonly changed: readonly Finding[];
}

/** What appeared, cleared or changed severity between two cycles: the log lines worth writing. */
export function diffFindings(previous: readonly Finding[], current: readonly Finding[]): FindingChanges {
  const before = new Map(previous.map((finding) => [findingKey(finding), finding]));
  const after = new Map(current.map((finding) => [findingKey(finding), finding]));
  return {
    raised: current.filter((finding) => !before.has(findingKey(finding))),
    cleared: previous.filter((finding) => !after.has(findingKey(finding))),
    changed: current.filter((finding) => {
      const old = before.get(findingKey(finding));
      return old !== undefined && old.severity !== finding.severity;
    }),
  };
}
