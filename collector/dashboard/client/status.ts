import type { NodeStatusString } from '../../../common/api/http-v1.js';

/** Worst first: the person paged looks at the top. */
export const STATUSES: readonly NodeStatusString[] = ['NotReady', 'Unreachable', 'AtRisk', 'Ready'];

export function statusRank(status: NodeStatusString): number {
  return STATUSES.indexOf(status);
}

/** Status as text inside a coloured outline: readable without colour, and by screen readers. */
export function statusBadge(status: NodeStatusString): HTMLSpanElement {
  const badge = document.createElement('span');
  badge.className = `badge status-${status}`;
  badge.textContent = status;
  return badge;
}
