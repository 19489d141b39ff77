import type { V1Node, V1NodeCondition } from '@kubernetes/client-node';
import type { NodeReadiness } from '../diagnosis/node-readiness.js';

/**
 * A timestamp of the API as it arrives: an RFC 3339 string in raw watch JSON, a Date when client-node's
 * ObjectSerializer has read it (list responses). Unix ms, 0 when absent or unreadable.
 */
export function timestampMs(value: Date | string | undefined | null): number {
  if (value === undefined || value === null) return 0;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

const STATUSES = new Set<NodeReadiness['status']>(['True', 'False', 'Unknown']);

/**
 * The Node's Ready condition as NodeReadiness, or undefined when it has none (a Node object the kubelet
 * has not yet posted status for). A status outside True/False is read as Unknown, which is what it means.
 */
export function readinessOf(node: V1Node, observedAtMs: number): NodeReadiness | undefined {
  const condition: V1NodeCondition | undefined = node.status?.conditions?.find(
    (item) => item.type === 'Ready',
  );
  if (!condition) return undefined;
  const status = STATUSES.has(condition.status as NodeReadiness['status'])
    ? (condition.status as NodeReadiness['status'])
    : 'Unknown';
  return {
    status,
    reason: condition.reason ?? '',
    message: condition.message ?? '',
    sinceMs: timestampMs(condition.lastTransitionTime as Date | string | undefined),
    heartbeatMs: timestampMs(condition.lastHeartbeatTime as Date | string | undefined),
    observedAtMs,
  };
}

/**
 * Whether two readings say something different. Heartbeats and observation times move on every kubelet
 * status update (every 10 s to 5 min) without anything having happened, so listeners are not told of them.
 */
export function readinessChanged(
  before: NodeReadiness | undefined,
  after: NodeReadiness | undefined,
): boolean {
  if (before === undefined || after === undefined) return before !== after;
  return (
    before.status !== after.status ||
    before.reason !== after.reason ||
    before.message !== after.message ||
    before.sinceMs !== after.sinceMs
  );
}
