/**
 * The Node's Ready condition from the Kubernetes API as evidence: which causes its reason and message point
 * at, the evidence item shown under them, and the cause to report when the API says NotReady and the agent
 * has nothing that matches.
 */
import { type CauseIdString, causeToProto } from '../../common/ids.js';
import type { EvidenceItem } from './diagnosis.js';
import type { NodeReadiness } from './node-readiness.js';

/**
 * How much a cause's confidence rises when the API's Ready condition names its symptom: the kubelet and the
 * node lifecycle controller agree with the agent, from a different vantage point.
 */
export const READINESS_CONFIDENCE_BONUS = 0.2;

export interface ReadinessPattern {
  /** Matched against "reason: message" of the Ready condition. */
  readonly match: RegExp;
  /** Causes this text is consistent with, most likely first. */
  readonly causes: readonly CauseIdString[];
  /** Reported when the API says NotReady with this text and none of `causes` is present. */
  readonly fallback: CauseIdString;
  /**
   * Its confidence: the API is authoritative that the node is NotReady, but the cause rests on the
   * condition's text alone, so it is never 1; higher when the text names the component outright.
   */
  readonly fallbackConfidence: number;
}

export const READINESS_PATTERNS: readonly ReadinessPattern[] = [
  {
    // "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady …"
    match: /runtime network not ready|NetworkPluginNotReady|cni (config|plugin) not initialized/i,
    causes: ['cni-not-ready', 'container-runtime-down'],
    fallback: 'cni-not-ready',
    fallbackConfidence: 0.7,
  },
  {
    // "PLEG is not healthy: pleg was last seen active 3m0s ago; threshold is 3m0s": the runtime's relist is
    // slow, whether the runtime, the disk, the kernel or the CPU is to blame.
    match: /PLEG is not healthy/i,
    causes: ['container-runtime-down', 'io-saturation', 'kernel-hang', 'cpu-starvation'],
    fallback: 'container-runtime-down',
    fallbackConfidence: 0.5,
  },
  {
    // "container runtime is down", "container runtime status check may not have completed yet"
    match: /container runtime (is down|status check)|runtime not ready/i,
    causes: ['container-runtime-down'],
    fallback: 'container-runtime-down',
    fallbackConfidence: 0.6,
  },
  {
    // NodeStatusUnknown "Kubelet stopped posting node status.": the kubelet, its path to the API server,
    // or the whole node went quiet.
    match: /NodeStatusUnknown|stopped posting node status/i,
    causes: ['kubelet-down', 'apiserver-unreachable', 'node-unreachable', 'certificate-expiry'],
    fallback: 'kubelet-down',
    fallbackConfidence: 0.5,
  },
];

/**
 * NotReady with a text no pattern knows: the Ready condition is the kubelet's own verdict, so the kubelet is
 * what to look at first, with less confidence than a recognised message gives.
 */
export const UNMATCHED_NOT_READY: Omit<ReadinessPattern, 'match'> = {
  causes: ['kubelet-down'],
  fallback: 'kubelet-down',
  fallbackConfidence: 0.4,
};

export function isNotReady(readiness: NodeReadiness): boolean {
  return readiness.status !== 'True';
}

/** The pattern the condition matches (first wins), or UNMATCHED_NOT_READY when NotReady matches none. */
export function readinessPattern(readiness: NodeReadiness): Omit<ReadinessPattern, 'match'> | undefined {
  const text = `${readiness.reason}: ${readiness.message}`;
  const found = READINESS_PATTERNS.find((pattern) => pattern.match.test(text));
  if (found) return found;
  return isNotReady(readiness) ? UNMATCHED_NOT_READY : undefined;
}

/** The condition as one line: "Ready=False (KubeletNotReady): PLEG is not healthy: …". */
export function describeReadiness(readiness: NodeReadiness): string {
  const reason = readiness.reason === '' ? '' : ` (${readiness.reason})`;
  const message = readiness.message === '' ? '' : `: ${readiness.message}`;
  return `Kubernetes API: Ready=${readiness.status}${reason}${message}`;
}

/** The condition as an evidence item under `cause`. */
export function readinessEvidence(
  readiness: NodeReadiness,
  cause: CauseIdString,
  node: string,
): EvidenceItem {
  return {
    finding: {
      check: 'CHECK_ID_UNSPECIFIED',
      cause: causeToProto(cause),
      severity: isNotReady(readiness) ? 'SEVERITY_CRITICAL' : 'SEVERITY_INFO',
      summary: describeReadiness(readiness),
      subject: node,
      detailsJson: JSON.stringify({
        status: readiness.status,
        reason: readiness.reason,
        message: readiness.message,
        heartbeat: readiness.heartbeatMs > 0 ? new Date(readiness.heartbeatMs).toISOString() : null,
      }),
    },
    firstSeenMs: readiness.sinceMs,
    lastSeenMs: readiness.observedAtMs,
    reports: 1,
    origin: { source: 'kubernetes', check: 'node-ready-condition' },
  };
}
