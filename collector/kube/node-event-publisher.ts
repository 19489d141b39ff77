import { hostname } from 'node:os';
import { type CoreV1Api, type CoreV1Event, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type Diagnosis, diagnosisSignature } from '../diagnosis/diagnosis.js';
import type { EventDropReason, KubernetesMetrics } from '../metrics/kubernetes-metrics.js';
import { describeApiError, statusCodeOf } from './api-error.js';
import {
  EVENT_COMPONENT,
  EVENT_REASON,
  type EventType,
  eventMessage,
  eventTypeOf,
} from './node-event-message.js';
import { requestTimeout } from './request-timeout.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Nodes are cluster-scoped; the kubelet and the node controller write a Node's Events in `default`, which
 * is where `kubectl describe node` and `kubectl get events -A` users find them.
 */
export const EVENT_NAMESPACE = 'default';
/**
 * The same diagnosis coming back within this window (a node flapping between two states) bumps the count
 * of the Event already written instead of writing another, as client-go's event correlator does (its
 * aggregation window is also 10 minutes). The API server keeps Events for an hour (--event-ttl).
 */
export const EVENT_CORRELATION_WINDOW_MS = 10 * 60_000;
/**
 * Per node: 5 Events at once (a diagnosis that starts, changes twice, worsens and recovers), then one per
 * minute. A node flapping every report interval then writes at most ~60 Events an hour instead of 360,
 * and `kubectl describe node` stays readable.
 */
export const NODE_EVENT_BURST = 5;
export const NODE_EVENT_REFILL_MS = 60_000;
/**
 * Fleet-wide: 50 at once (an incident hitting 50 nodes together is written in full), then 5 a second —
 * client-go's default client QPS, the rate a well-behaved controller writes at — so a fleet-wide incident
 * on thousands of nodes cannot flood the API server (and etcd) with Events.
 */
export const GLOBAL_EVENT_BURST = 50;
export const GLOBAL_EVENT_REFILL_MS = 200;
/**
 * Writes outstanding at once. A hung API server must not make the collector hold ever more requests and
 * memory: beyond this, new Events are dropped (counted) until writes complete.
 */
export const MAX_WRITES_IN_FLIGHT = 64;
/**
 * An Event write not answered within this is abandoned (counted as an error): Events are advisory, and a
 * slow API server must not keep a node's later writes queued behind one that will never complete.
 */
export const EVENT_WRITE_TIMEOUT_MS = 10_000;
/**
 * A diagnosis a limit held back is retried this often; only each node's latest is kept, so the Event
 * trail ends on the node's real state (e.g. the recovery) once the budget allows.
 */
export const DEFERRED_RETRY_MS = 5_000;

/** An Event written for a node, remembered to correlate repeats. */
interface WrittenEvent {
  readonly name: string;
  count: number;
  lastMs: number;
}

interface NodeEventState {
  /** Signature of the diagnosis last acted on: the same again is not news. */
  signature: string;
  /** A Warning was written and no Normal since: a Ready with no causes is then a recovery worth telling. */
  warned: boolean;
  /** Events written recently, by type and diagnosis signature. */
  readonly written: Map<string, WrittenEvent>;
  readonly bucket: TokenBucket;
  /** A diagnosis a limit held back; only the latest is kept. */
  deferred: Diagnosis | undefined;
  /** Writes for one node go one after another, so a patch never overtakes the create it patches. */
  chain: Promise<void>;
}

export interface NodeEventPublisherOptions {
  readonly api: CoreV1Api;
  readonly externalUrl: URL;
  readonly metrics: KubernetesMetrics;
  readonly logger: Logger;
  /** The Node's uid from the watch, when known. */
  readonly uidOf: (node: string) => string | undefined;
  readonly now?: () => number;
  /** reportingInstance of the Events (default: this host's name). */
  readonly instance?: string;
  /** Test seam: a shorter EVENT_WRITE_TIMEOUT_MS. */
  readonly writeTimeoutMs?: number;
}

/**
 * Writes a core/v1 Event on the Node when its diagnosis starts or changes: deduplicated by diagnosis
 * signature, correlated (a repeat within the window patches count and lastTimestamp), rate-limited per
 * node and fleet-wide. Never throws into its caller and never waits: ingest calls `publish` inline.
 */
export class NodeEventPublisher {
  private readonly nodes = new Map<string, NodeEventState>();
  private readonly global: TokenBucket;
  private readonly now: () => number;
  private inFlight = 0;
  private readonly pending = new Set<Promise<void>>();
  private retryTimer: NodeJS.Timeout | undefined;
  private sequence = 0;

  constructor(private readonly options: NodeEventPublisherOptions) {
    this.now = options.now ?? Date.now;
    this.global = new TokenBucket(GLOBAL_EVENT_BURST, GLOBAL_EVENT_REFILL_MS, this.now);
  }

  /** Starts retrying held-back diagnoses on a timer (the collector does; tests call `retryDeferred`). */
  start(): void {
    this.retryTimer ??= setInterval(() => this.retryDeferred(), DEFERRED_RETRY_MS).unref();
  }

  /** Stops retrying and waits for writes already started. */
  async stop(): Promise<void> {
    clearInterval(this.retryTimer);
    await Promise.allSettled([...this.pending]);
  }

  /** Resolves when every write started so far has finished (tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** A DiagnosisBoard listener: called with each node's new diagnosis. */
  publish(node: string, diagnosis: Diagnosis): void {
    const state = this.stateOf(node);
    const signature = diagnosisSignature(diagnosis);
    if (signature === state.signature) return;
    state.signature = signature;
    state.deferred = undefined;
    if (diagnosis.status === 'Ready' && diagnosis.causes.length === 0 && !state.warned) return;
    this.attempt(node, state, diagnosis, true);
  }

  /** A Node deleted from the cluster: its state (budget, Events to correlate) is let go. */
  forget(node: string): void {
    this.nodes.delete(node);
  }

  /** Tries again, for each node, the latest diagnosis a limit held back. */
  retryDeferred(): void {
    for (const [node, state] of this.nodes) {
      const diagnosis = state.deferred;
      if (diagnosis === undefined) continue;
      state.deferred = undefined;
      this.attempt(node, state, diagnosis, false);
    }
  }

  private stateOf(node: string): NodeEventState {
    let state = this.nodes.get(node);
    if (!state) {
      state = {
        signature: '',
        warned: false,
        written: new Map(),
        bucket: new TokenBucket(NODE_EVENT_BURST, NODE_EVENT_REFILL_MS, this.now),
        deferred: undefined,
        chain: Promise.resolve(),
      };
      this.nodes.set(node, state);
    }
    return state;
  }

  /** Checks the limits, then queues the write; a refusal is counted once (not on each retry). */
  private attempt(node: string, state: NodeEventState, diagnosis: Diagnosis, firstTry: boolean): void {
    const refusal = this.refusal(state);
    if (refusal !== undefined) {
      if (firstTry) this.options.metrics.eventsDropped.inc({ reason: refusal });
      state.deferred = diagnosis;
      return;
    }
    state.bucket.take();
    this.global.take();
    const type = eventTypeOf(diagnosis);
    state.warned = type === 'Warning';
    const message = eventMessage(diagnosis, this.options.externalUrl);
    const key = `${type}|${diagnosisSignature(diagnosis)}`;
    this.inFlight += 1;
    const write = state.chain
      .then(() => this.write(node, state, key, type, message))
      .finally(() => {
        this.inFlight -= 1;
        this.pending.delete(write);
      });
    state.chain = write;
    this.pending.add(write);
  }

  private refusal(state: NodeEventState): EventDropReason | undefined {
    if (this.inFlight >= MAX_WRITES_IN_FLIGHT) return 'backlog';
    if (!state.bucket.available()) return 'node_rate';
    if (!this.global.available()) return 'global_rate';
    return undefined;
  }

  /** Patches the Event of the same diagnosis written within the window, else creates one. Never rejects. */
  private async write(
    node: string,
    state: NodeEventState,
    key: string,
    type: EventType,
    message: string,
  ): Promise<void> {
    const { api, metrics, logger } = this.options;
    const timeout = requestTimeout(this.options.writeTimeoutMs ?? EVENT_WRITE_TIMEOUT_MS);
    const nowMs = this.now();
    for (const [writtenKey, written] of state.written) {
      if (nowMs - written.lastMs >= EVENT_CORRELATION_WINDOW_MS) state.written.delete(writtenKey);
    }
    const earlier = state.written.get(key);
    if (earlier) {
      try {
        await api.patchNamespacedEvent(
          {
            name: earlier.name,
            namespace: EVENT_NAMESPACE,
            body: { count: earlier.count + 1, lastTimestamp: new Date(nowMs).toISOString(), message },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, timeout),
        );
        earlier.count += 1;
        earlier.lastMs = nowMs;
        metrics.eventsPosted.inc({ type, operation: 'patch' });
        logger.debug({ node, event: earlier.name, count: earlier.count }, 'kubernetes event repeated');
        return;
      } catch (error) {
        state.written.delete(key);
        // 404: the API server let the Event expire (--event-ttl); anything else: give up on this one.
        if (statusCodeOf(error) !== 404) {
          metrics.eventErrors.inc({ operation: 'patch' });
          logger.warn(
            { node, event: earlier.name, error: describeApiError(error) },
            'cannot update kubernetes event',
          );
          return;
        }
      }
    }
    const name = this.eventName(node, nowMs);
    const at = new Date(nowMs);
    const uid = this.options.uidOf(node);
    const body: CoreV1Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: EVENT_NAMESPACE },
      involvedObject: { apiVersion: 'v1', kind: 'Node', name: node, ...(uid ? { uid } : {}) },
      reason: EVENT_REASON,
      message,
      type,
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
      reportingInstance: this.options.instance ?? hostname(),
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    try {
      await api.createNamespacedEvent({ namespace: EVENT_NAMESPACE, body }, timeout);
      state.written.set(key, { name, count: 1, lastMs: nowMs });
      metrics.eventsPosted.inc({ type, operation: 'create' });
      logger.info({ node, event: name, type, message }, 'kubernetes event posted');
    } catch (error) {
      metrics.eventErrors.inc({ operation: 'create' });
      logger.warn({ node, error: describeApiError(error) }, 'cannot post kubernetes event');
    }
  }

  /** `<node>.<hex>` like the kubelet's names, unique per collector even within one millisecond. */
  private eventName(node: string, nowMs: number): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    return `${node}.${(BigInt(nowMs) * 1_000_000n + BigInt(this.sequence)).toString(16)}`;
  }
}
