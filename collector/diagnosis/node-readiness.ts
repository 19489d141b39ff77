/**
 * The seam between the Kubernetes API and the classifier: what the API server says about a Node's Ready
 * condition. In a cluster the collector watches Nodes and keeps one of these per node; without a cluster
 * there is no source and the agent's kubelet probe stands in for readiness.
 */

/** The Node's `Ready` condition as the API server last reported it. */
export interface NodeReadiness {
  /** The condition's status: 'Unknown' is what the node lifecycle controller sets when the kubelet stops posting. */
  readonly status: 'True' | 'False' | 'Unknown';
  /** e.g. `KubeletReady`, `KubeletNotReady`, `NodeStatusUnknown`. Empty when the API gave none. */
  readonly reason: string;
  /** e.g. "PLEG is not healthy: …", "container runtime network not ready: …", "Kubelet stopped posting node status." */
  readonly message: string;
  /** lastTransitionTime, Unix ms: since when the node has been in this state. */
  readonly sinceMs: number;
  /** lastHeartbeatTime, Unix ms (0 when absent). */
  readonly heartbeatMs: number;
  /** When the collector last received this condition (its own clock), Unix ms. */
  readonly observedAtMs: number;
}

export type ReadinessListener = (node: string, readiness: NodeReadiness | undefined) => void;

/** Where the classifier reads readiness from. `get` is called on every classification, so it must be cheap. */
export interface ReadinessSource {
  /** The node's Ready condition, or undefined when the API has no such Node (or no cluster is configured). */
  get(node: string): NodeReadiness | undefined;
  /** Called whenever a node's condition changes or the Node is deleted (undefined); returns an unsubscribe. */
  subscribe(listener: ReadinessListener): () => void;
}

/** No cluster: every node has no readiness from the API. */
export const NO_READINESS: ReadinessSource = {
  get: () => undefined,
  subscribe: () => () => undefined,
};

/**
 * A source the board can be built with before the real one exists: the Kubernetes link needs the board (and
 * the metrics registry built on it) first. `connect` forwards to the real source from then on.
 */
export class ReadinessRelay implements ReadinessSource {
  private source: ReadinessSource = NO_READINESS;
  private readonly listeners = new Set<ReadinessListener>();
  private disconnect: () => void = () => undefined;

  connect(source: ReadinessSource): void {
    this.disconnect();
    this.source = source;
    this.disconnect = source.subscribe((node, readiness) => {
      for (const listener of this.listeners) listener(node, readiness);
    });
  }

  get(node: string): NodeReadiness | undefined {
    return this.source.get(node);
  }

  subscribe(listener: ReadinessListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
