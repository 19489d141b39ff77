import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import type { NodeDetail } from '../../proto/gen/nodedoc/v1/NodeDetail.js';
import type { WatchDiagnosesRequest__Output } from '../../proto/gen/nodedoc/v1/WatchDiagnosesRequest.js';
import type { CollectorState } from '../collector-state.js';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { toCollectorError } from '../to-collector-error.js';
import { detailToProto } from '../views/proto-view.js';
import { nodeParameter } from './node-parameter.js';

export interface WatchDependencies {
  readonly state: CollectorState;
  readonly board: DiagnosisBoard;
  readonly logger: Logger;
  readonly watchers: WatchRegistry;
  readonly watchersGauge: Gauge;
}

/** The open WatchDiagnoses streams, so shutdown can end them. */
export class WatchRegistry {
  private readonly open = new Set<WatchSession>();

  add(session: WatchSession): void {
    this.open.add(session);
  }

  delete(session: WatchSession): void {
    this.open.delete(session);
  }

  get size(): number {
    return this.open.size;
  }

  endAll(): void {
    for (const session of [...this.open]) session.end();
  }
}

/**
 * One watcher: the current NodeDetail of every node it asked for, then one whenever a node's status or causes
 * change. Nodes waiting to be sent are a set, so a slow reader gets each node's latest state once rather than
 * a backlog of stale ones, and writes wait for the stream to drain.
 */
export class WatchSession {
  private readonly pending = new Set<string>();
  private pumping = false;
  private ended = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly call: ServerWritableStream<WatchDiagnosesRequest__Output, NodeDetail>,
    private readonly deps: WatchDependencies,
  ) {}

  start(): void {
    let filter: string | undefined;
    try {
      filter = this.call.request.node === '' ? undefined : nodeParameter(this.call.request.node);
      this.deps.state.require();
    } catch (error) {
      this.call.emit('error', toCollectorError(error).error.grpc());
      return;
    }
    this.deps.watchers.add(this);
    this.deps.watchersGauge.inc();
    this.call.on('cancelled', () => this.close());
    // Subscribe before taking the snapshot, so no change between the two is missed.
    this.unsubscribe = this.deps.board.subscribe((node) => {
      if (filter === undefined || node === filter) this.enqueue(node);
    });
    // An unknown node is not an error here: the watcher hears about it when its agent first says hello.
    const snapshot =
      filter === undefined
        ? this.deps.board
            .entries()
            .map((entry) => entry.node)
            .sort()
        : [filter];
    for (const node of snapshot) this.enqueue(node);
  }

  /** Shutdown: end with OK. */
  end(): void {
    if (this.ended) return;
    this.close();
    this.call.end();
  }

  private enqueue(node: string): void {
    if (this.ended) return;
    this.pending.add(node);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.ended) {
        const [node] = this.pending;
        if (node === undefined) break;
        this.pending.delete(node);
        const detail = await this.deps.state.require().views.detail(node);
        if (!detail || this.ended) continue;
        if (!this.call.write(detailToProto(detail))) await this.drained();
      }
    } catch (error) {
      const { error: failure, internal } = toCollectorError(error);
      if (internal) this.deps.logger.error({ err: error, peer: this.call.getPeer() }, 'watch failed');
      if (!this.ended) {
        this.close();
        this.call.emit('error', failure.grpc());
      }
    } finally {
      this.pumping = false;
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.call.off('cancelled', done);
        resolve();
      };
      this.call.on('drain', done);
      this.call.on('cancelled', done);
    });
  }

  private close(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending.clear();
    this.unsubscribe?.();
    this.deps.watchers.delete(this);
    this.deps.watchersGauge.dec();
  }
}

export function watchDiagnosesHandler(
  deps: WatchDependencies,
): (call: ServerWritableStream<WatchDiagnosesRequest__Output, NodeDetail>) => void {
  return (call) => new WatchSession(call, deps).start();
}
