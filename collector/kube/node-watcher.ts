import { CoreV1Api, type KubeConfig, type V1Node, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { NodeReadiness, ReadinessListener, ReadinessSource } from '../diagnosis/node-readiness.js';
import type { KubernetesMetrics, WatchRestartReason } from '../metrics/kubernetes-metrics.js';
import { describeApiError, statusCodeOf } from './api-error.js';
import { JitteredBackoff } from './backoff.js';
import { readinessChanged, readinessOf } from './node-condition.js';
import { requestTimeout } from './request-timeout.js';

/** First retry after a failure waits up to this long (client-go's reflector starts at 800 ms). */
export const WATCH_BACKOFF_BASE_MS = 1_000;
/** …and never more than this: an API server back from an outage is noticed within half a minute. */
export const WATCH_BACKOFF_CAP_MS = 30_000;
/**
 * Each watch asks the server to end it after a random time in [MIN, 2×MIN) (`timeoutSeconds`), as
 * client-go's reflector does (5–10 min): watches then end spread out rather than all at once, and a
 * connection that went dead without a FIN is replaced within a bounded time.
 */
export const WATCH_TIMEOUT_MIN_SECONDS = 300;
/**
 * A watch that has neither delivered anything nor been closed this long after its timeoutSeconds is dead
 * (a half-open TCP connection through a NAT or a load balancer that forgot it): it is dropped and resumed.
 */
export const WATCH_STALL_GRACE_MS = 30_000;
/** A watch that ends sooner than this with nothing delivered is treated as a failure (backoff), not a normal end. */
export const MIN_HEALTHY_WATCH_MS = 1_000;
/**
 * A list page not answered within this is abandoned and retried: an API server that accepts the connection
 * and never answers must not hold the watcher forever. A page of 500 Nodes (~5 MB) takes well under a
 * second on a healthy control plane, and kubectl's own list of a large cluster a few seconds.
 */
export const LIST_TIMEOUT_MS = 60_000;
/** Nodes per list page: a 5,000-node cluster is listed in 10 requests of bounded size, as kubectl pages. */
export const LIST_PAGE_SIZE = 500;

/** One Node as the watcher keeps it. */
interface NodeEntry {
  readonly uid: string;
  readonly readiness: NodeReadiness | undefined;
}

/** A watch event as the API server streams it (one JSON object per line). */
interface WatchEventObject {
  readonly metadata?: { readonly name?: string; readonly uid?: string; readonly resourceVersion?: string };
  /** Set on ERROR events, which carry a metav1.Status. */
  readonly code?: number;
  readonly message?: string;
}

export interface NodeWatcherOptions {
  readonly kubeConfig: KubeConfig;
  readonly metrics: KubernetesMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  /** Test seam for the jitter of backoff and watch timeouts. */
  readonly random?: () => number;
  /** Test seam: a shorter server-side watch timeout. */
  readonly watchTimeoutMinSeconds?: number;
  readonly stallGraceMs?: number;
}

/** How a watch ended without an error. */
type WatchEnd = 'closed' | 'expired' | 'stalled';

class WatchFailure extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Lists and watches the cluster's Nodes (resourceVersion, bookmarks, 410 Gone → relist, reconnect with
 * jittered backoff) and keeps each Node's Ready condition: the ReadinessSource the classifier reads.
 * It never throws into the collector; while the API server is away it keeps the last known conditions
 * (observedAtMs says how old they are) and keeps trying.
 */
export class NodeWatcher implements ReadinessSource {
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly listeners = new Set<ReadinessListener>();
  private readonly api: CoreV1Api;
  private readonly watch: Watch;
  private readonly backoff: JitteredBackoff;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly stopper = new AbortController();
  private resourceVersion: string | undefined;
  private loop: Promise<void> | undefined;
  private syncedOnce = false;
  private readonly firstSync: Promise<void>;
  private resolveFirstSync: () => void = () => undefined;
  private currentWatch: AbortController | undefined;

  constructor(private readonly options: NodeWatcherOptions) {
    this.api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.watch = new Watch(options.kubeConfig);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = new JitteredBackoff(
      options.backoffBaseMs ?? WATCH_BACKOFF_BASE_MS,
      options.backoffCapMs ?? WATCH_BACKOFF_CAP_MS,
      this.random,
    );
    this.firstSync = new Promise((resolve) => {
      this.resolveFirstSync = resolve;
    });
    options.metrics.watchUp.set(0);
  }

  get(node: string): NodeReadiness | undefined {
    return this.nodes.get(node)?.readiness;
  }

  /** The Node's metadata.uid (for an Event's involvedObject), or undefined when the Node is not known. */
  uid(node: string): string | undefined {
    return this.nodes.get(node)?.uid;
  }

  subscribe(listener: ReadinessListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once Nodes have been listed for the first time (tests; the collector never waits for it). */
  synced(): Promise<void> {
    return this.firstSync;
  }

  /** Starts listing and watching in the background; returns at once. */
  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    this.currentWatch?.abort();
    await this.loop;
    this.options.metrics.watchUp.set(0);
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private async run(): Promise<void> {
    const { logger, metrics } = this.options;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        const startedMs = this.now();
        const { end, delivered } = await this.watchFrom(this.resourceVersion ?? '');
        if (this.stopped) break;
        if (end === 'expired') this.resourceVersion = undefined;
        const restart: WatchRestartReason = end;
        metrics.watchRestarts.inc({ reason: restart });
        metrics.watchUp.set(0);
        logger.debug({ reason: restart, resourceVersion: this.resourceVersion }, 'node watch ended');
        // A watch that ends at once with nothing in it (a server in trouble, a 410 loop) waits like a failure.
        if (!delivered && this.now() - startedMs < MIN_HEALTHY_WATCH_MS)
          await this.sleep(this.backoff.next());
        else this.backoff.reset();
      } catch (error) {
        if (this.stopped) break;
        metrics.watchUp.set(0);
        metrics.watchRestarts.inc({ reason: 'error' });
        // The watch cannot resume from a version the server no longer has: list again.
        if (statusCodeOf(error) === 410) this.resourceVersion = undefined;
        const waitMs = this.backoff.next();
        logger.warn(
          { error: describeApiError(error), retryInMs: waitMs, relist: this.resourceVersion === undefined },
          'kubernetes node watch failed; retrying',
        );
        await this.sleep(waitMs);
      }
    }
  }

  private async list(): Promise<void> {
    const { metrics, logger } = this.options;
    metrics.relists.inc();
    const seen = new Map<string, NodeEntry>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.api.listNode(
        { limit: LIST_PAGE_SIZE, _continue: token },
        requestTimeout(LIST_TIMEOUT_MS),
      );
      const observedAtMs = this.now();
      for (const node of page.items) {
        const name = node.metadata?.name;
        if (name)
          seen.set(name, { uid: node.metadata?.uid ?? '', readiness: readinessOf(node, observedAtMs) });
      }
      token = page.metadata?._continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (token !== undefined && !this.stopped);
    // A partial list must not pass for the whole: Nodes on the pages not read would look deleted.
    if (this.stopped) return;
    const first = !this.syncedOnce;
    for (const name of [...this.nodes.keys()]) {
      if (!seen.has(name)) this.remove(name);
    }
    for (const [name, entry] of seen) this.put(name, entry, first);
    this.resourceVersion = resourceVersion;
    metrics.nodes.set(this.nodes.size);
    const notReady = [...this.nodes.values()].filter((entry) => entry.readiness?.status !== 'True').length;
    logger.info({ nodes: this.nodes.size, notReady, resourceVersion }, 'kubernetes nodes listed');
    if (first) {
      this.syncedOnce = true;
      this.resolveFirstSync();
    }
  }

  /** One watch from `resourceVersion`, until the server closes it, it expires, stalls or fails (throws). */
  private watchFrom(resourceVersion: string): Promise<{ end: WatchEnd; delivered: boolean }> {
    const { metrics, logger } = this.options;
    const timeoutSeconds = Math.floor(
      (this.options.watchTimeoutMinSeconds ?? WATCH_TIMEOUT_MIN_SECONDS) * (1 + this.random()),
    );
    const stallMs = timeoutSeconds * 1_000 + (this.options.stallGraceMs ?? WATCH_STALL_GRACE_MS);
    return new Promise((resolve, reject) => {
      let settled = false;
      let delivered = false;
      let controller: AbortController | undefined;
      let stallTimer: NodeJS.Timeout | undefined;
      const onStop = () => finish({ end: 'closed' });
      const finish = (outcome: { end: WatchEnd } | { error: unknown }) => {
        if (settled) return;
        settled = true;
        clearTimeout(stallTimer);
        this.stopper.signal.removeEventListener('abort', onStop);
        controller?.abort();
        if ('end' in outcome) resolve({ end: outcome.end, delivered });
        else reject(outcome.error);
      };
      const armStall = () => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => finish({ end: 'stalled' }), stallMs);
        stallTimer.unref();
      };
      const onEvent = (type: string, object: WatchEventObject) => {
        if (settled) return;
        armStall();
        const version = object.metadata?.resourceVersion;
        switch (type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED': {
            delivered = true;
            const name = object.metadata?.name;
            if (name) {
              if (type === 'DELETED') this.remove(name);
              else {
                const node = object as V1Node;
                this.put(
                  name,
                  { uid: node.metadata?.uid ?? '', readiness: readinessOf(node, this.now()) },
                  false,
                );
              }
              metrics.nodes.set(this.nodes.size);
            }
            if (version) this.resourceVersion = version;
            break;
          }
          case 'BOOKMARK':
            delivered = true;
            if (version) this.resourceVersion = version;
            break;
          case 'ERROR':
            if (object.code === 410) finish({ end: 'expired' });
            else finish({ error: new WatchFailure(object.message ?? 'watch error event', object.code) });
            break;
          default:
            logger.debug({ type }, 'ignoring unknown watch event type');
        }
      };
      const onDone = (error: unknown) => {
        if (this.stopped || error === null || error === undefined) finish({ end: 'closed' });
        else if (statusCodeOf(error) === 410) finish({ end: 'expired' });
        else finish({ error });
      };
      armStall();
      // Stopping ends the wait even while the request is still connecting (aborted once it resolves).
      this.stopper.signal.addEventListener('abort', onStop, { once: true });
      this.watch
        .watch(
          '/api/v1/nodes',
          { allowWatchBookmarks: true, resourceVersion, timeoutSeconds },
          (type, object) => onEvent(type, object as WatchEventObject),
          onDone,
        )
        .then(
          (opened) => {
            controller = opened;
            this.currentWatch = opened;
            if (settled) opened.abort();
            else {
              metrics.watchUp.set(1);
              this.backoff.reset();
            }
          },
          (error: unknown) => finish({ error }),
        );
    });
  }

  private put(name: string, entry: NodeEntry, initial: boolean): void {
    const before = this.nodes.get(name);
    this.nodes.set(name, entry);
    if (before !== undefined && !readinessChanged(before.readiness, entry.readiness)) return;
    if (before === undefined && initial && entry.readiness?.status === 'True') {
      // Start-up: a healthy node is not news (the count goes in the "listed" line); listeners still hear.
      this.notify(name, entry.readiness);
      return;
    }
    const readiness = entry.readiness;
    this.options.logger.info(
      {
        node: name,
        status: readiness?.status,
        reason: readiness?.reason,
        message: readiness?.message,
        previous: before?.readiness?.status,
      },
      'node readiness changed',
    );
    this.notify(name, readiness);
  }

  private remove(name: string): void {
    if (!this.nodes.delete(name)) return;
    this.options.logger.info({ node: name }, 'node deleted from the cluster');
    this.notify(name, undefined);
  }

  private notify(name: string, readiness: NodeReadiness | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(name, readiness);
      } catch (error) {
        this.options.logger.error({ err: error, node: name }, 'readiness listener failed');
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(done, ms);
      const signal = this.stopper.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}
