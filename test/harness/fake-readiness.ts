import type {
  NodeReadiness,
  ReadinessListener,
  ReadinessSource,
} from '../../collector/diagnosis/node-readiness.js';

/** How long ago the condition last changed, in conditions made by `observedNow`. */
const TRANSITION_AGO_MS = 60_000;

/** The Kubernetes watch's place, in memory: set a node's condition (or remove the Node) and listeners hear it. */
export class FakeReadiness implements ReadinessSource {
  private readonly conditions = new Map<string, NodeReadiness>();
  private readonly listeners = new Set<ReadinessListener>();

  get(node: string): NodeReadiness | undefined {
    return this.conditions.get(node);
  }

  subscribe(listener: ReadinessListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(node: string, readiness: NodeReadiness | undefined): void {
    if (readiness) this.conditions.set(node, readiness);
    else this.conditions.delete(node);
    for (const listener of this.listeners) listener(node, readiness);
  }
}

/** A condition as the watch would hold it now: changed a minute ago, heartbeat and observation now. */
export function observedNow(condition: Pick<NodeReadiness, 'status' | 'reason' | 'message'>): NodeReadiness {
  const now = Date.now();
  return { ...condition, sinceMs: now - TRANSITION_AGO_MS, heartbeatMs: now, observedAtMs: now };
}
