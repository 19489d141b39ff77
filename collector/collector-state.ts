import { collectorError } from './errors.js';
import type { NodeStore } from './store/node-store.js';
import type { NodeViews } from './views/node-views.js';

/** What the request handlers need once the store is open. */
export interface OpenStore {
  readonly store: NodeStore;
  readonly views: NodeViews;
}

/**
 * Where the collector is in its life: the gRPC server listens (answering health NOT_SERVING) before the store
 * has opened, and keeps answering while it drains at shutdown. Handlers ask `require()` for the store and get
 * a catalog error (NOT_READY, SHUTTING_DOWN) instead when it is not there for them.
 */
export class CollectorState {
  private opened: OpenStore | undefined;
  private grpcListening = false;
  private stopping = false;

  storeOpened(open: OpenStore): void {
    this.opened = open;
  }

  grpcStarted(): void {
    this.grpcListening = true;
  }

  shutdownStarted(): void {
    this.stopping = true;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** The open store, or a NOT_READY / SHUTTING_DOWN error to send back. */
  require(): OpenStore {
    if (this.stopping) throw collectorError('SHUTTING_DOWN', {});
    if (!this.opened) throw collectorError('NOT_READY', { reason: 'the store is still opening' });
    return this.opened;
  }

  /** /readyz: the store is open and gRPC is listening, and the collector is not shutting down. */
  readiness(): { ready: true } | { ready: false; reason: string } {
    if (this.stopping) return { ready: false, reason: 'shutting down' };
    if (!this.opened) return { ready: false, reason: 'the store is still opening' };
    if (!this.grpcListening) return { ready: false, reason: 'gRPC is not listening yet' };
    return { ready: true };
  }
}
