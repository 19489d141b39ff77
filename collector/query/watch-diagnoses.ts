import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import type { NodeDetail } from '../../proto/gen/nodedoc/v1/NodeDetail.js';
import type { WatchDiagnosesRequest__Output } from '../../proto/gen/nodedoc/v1/WatchDiagnosesRequest.js';
import type { CollectorState } from '../collector-state.js';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { drainedOrEnded } from '../stream-drained.js';
import { toCollectorError } from '../to-collector-error.js';
import { detailToProto } from '../views/proto-view.js';
import { DiagnosisFeed } from './diagnosis-feed.js';
import { nodeParameter } from './node-parameter.js';

export interface WatchDependencies {
  readonly state: CollectorState;
  readonly board: DiagnosisBoard;
  readonly logger: Logger;
  readonly watchers: WatchRegistry;
  readonly watchersGauge: Gauge;
}

/** An open watch of any transport: shutdown ends it. */
export interface Watcher {
  end(): void;
}

/** The open watches (WatchDiagnoses streams, event streams), so shutdown can end them. */
export class WatchRegistry {
  private readonly open = new Set<Watcher>();

  add(session: Watcher): void {
    this.open.add(session);
  }

  delete(session: Watcher): void {
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
 * change (the coalescing and ordering are DiagnosisFeed's); writes wait for the stream to drain.
 */
export class WatchSession {
  private ended = false;
  private feed: DiagnosisFeed | undefined;

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
    this.feed = new DiagnosisFeed(
      this.deps.board,
      (node) => this.deliver(node),
      (error) => this.fail(error),
    );
    this.feed.start(filter);
  }

  /** Shutdown: end with OK. */
  end(): void {
    if (this.ended) return;
    this.close();
    this.call.end();
  }

  private async deliver(node: string): Promise<void> {
    const detail = await this.deps.state.require().views.detail(node);
    if (!detail || this.ended) return;
    if (!this.call.write(detailToProto(detail))) await drainedOrEnded(this.call, 'cancelled');
  }

  private fail(error: unknown): void {
    const { error: failure, internal } = toCollectorError(error);
    if (internal) this.deps.logger.error({ err: error, peer: this.call.getPeer() }, 'watch failed');
    if (!this.ended) {
      this.close();
      this.call.emit('error', failure.grpc());
    }
  }

  private close(): void {
    if (this.ended) return;
    this.ended = true;
    this.feed?.stop();
    this.deps.watchers.delete(this);
    this.deps.watchersGauge.dec();
  }
}

export function watchDiagnosesHandler(
  deps: WatchDependencies,
): (call: ServerWritableStream<WatchDiagnosesRequest__Output, NodeDetail>) => void {
  return (call) => new WatchSession(call, deps).start();
}
