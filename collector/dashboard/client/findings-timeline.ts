import type { FindingJson, TimelinePointJson } from '../../../common/api/http-v1.js';

/** A finding appearing or going away between two reports. */
export interface FindingChange {
  readonly at: string;
  readonly kind: 'raised' | 'cleared';
  readonly finding: FindingJson;
}

/** Newest changes shown: an hour of a flapping check should not bury the rest. */
export const MAX_CHANGES = 50;

function keyOf(finding: FindingJson): string {
  return `${finding.check}\u0000${finding.subject ?? ''}`;
}

/**
 * The findings timeline: walks the reports oldest first and notes each finding (check and subject) when it
 * first appears and when it is gone; newest first. Findings present in the first report are "raised" then
 * (their start may be earlier than the window).
 */
export function findingChanges(points: readonly TimelinePointJson[]): FindingChange[] {
  const changes: FindingChange[] = [];
  let active = new Map<string, FindingJson>();
  for (const point of points) {
    const now = new Map(point.findings.map((finding) => [keyOf(finding), finding]));
    for (const [key, finding] of now) {
      if (!active.has(key)) changes.push({ at: point.sampledAt, kind: 'raised', finding });
    }
    for (const [key, finding] of active) {
      if (!now.has(key)) changes.push({ at: point.sampledAt, kind: 'cleared', finding });
    }
    active = now;
  }
  return changes.reverse().slice(0, MAX_CHANGES);
}
