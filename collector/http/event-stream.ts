/**
 * GET /api/v1/watch: the dashboard's live feed as server-sent events (text/event-stream). On connect, one
 * `node` event per node (its NodeSummaryJson); then one whenever a node's status or causes change. The
 * coalescing is DiagnosisFeed's, shared with gRPC WatchDiagnoses. A comment line every HEARTBEAT_MS keeps
 * proxies from closing an idle stream and lets a client notice a dead one; a client that goes away is
 * unsubscribed at once. The number of open streams is bounded (and exported as a metric).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { WATCH_EVENT_NODE } from '../../common/api/http-v1.js';
import type { CollectorState } from '../collector-state.js';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { collectorError } from '../errors.js';
import type { EventStreamMetrics } from '../metrics/event-stream-metrics.js';
import { DiagnosisFeed } from '../query/diagnosis-feed.js';
import type { WatchRegistry } from '../query/watch-diagnoses.js';
import { drainedOrEnded } from '../stream-drained.js';
import { summaryToJson } from '../views/json-view.js';

/**
 * 15 s: well inside the idle timeouts of the proxies a dashboard sits behind (nginx and cloud load balancers
 * default to 60 s, the API server's service proxy has none shorter), and cheap (a dozen bytes per stream).
 */
export const HEARTBEAT_MS = 15_000;
/**
 * Each open stream is a socket and a listener run on every diagnosis change. A few on-call engineers and
 * wall screens need tens; 256 leaves room while keeping a runaway script (or a leak) from starving ingest.
 */
export const MAX_EVENT_STREAMS = 256;
/** Told to EventSource: wait this long before reconnecting after the stream drops (its default is ~3 s). */
export const RECONNECT_DELAY_MS = 2_000;

export interface EventStreamDependencies {
  readonly state: CollectorState;
  readonly board: DiagnosisBoard;
  /** Shared with WatchDiagnoses, so shutdown ends event streams too. */
  readonly watchers: WatchRegistry;
  readonly metrics: EventStreamMetrics;
  readonly logger: Logger;
  /** This server's open event streams (counted against the limit). */
  readonly open: Set<EventStreamSession>;
  /** The limit on open streams (default MAX_EVENT_STREAMS). */
  readonly maxStreams?: number;
  readonly heartbeatMs?: number;
}

/** One SSE frame: an event name and a JSON document on a single data line. */
export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class EventStreamSession {
  private ended = false;
  private feed: DiagnosisFeed | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly deps: EventStreamDependencies,
  ) {}

  /** Throws a catalog error (not ready, too many streams) before anything is written. */
  start(): void {
    this.deps.state.require();
    const limit = this.deps.maxStreams ?? MAX_EVENT_STREAMS;
    if (this.deps.open.size >= limit) {
      this.deps.metrics.rejected.inc();
      throw collectorError('TOO_MANY_WATCHERS', { open: limit });
    }
    this.deps.open.add(this);
    this.deps.metrics.open.inc();
    this.deps.watchers.add(this);
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.response.write(`retry: ${RECONNECT_DELAY_MS}\n\n`);
    this.request.socket.setKeepAlive(true);
    this.response.on('close', () => this.close());
    this.heartbeat = setInterval(() => {
      this.response.write(': heartbeat\n\n');
    }, this.deps.heartbeatMs ?? HEARTBEAT_MS);
    this.feed = new DiagnosisFeed(
      this.deps.board,
      (node) => this.deliver(node),
      (error) => {
        this.deps.logger.error({ err: error }, 'event stream failed');
        this.end();
      },
    );
    this.feed.start(undefined);
  }

  /** Shutdown (or a failed delivery): ends the response; EventSource reconnects on its own. */
  end(): void {
    if (this.ended) return;
    this.close();
    this.response.end();
  }

  private async deliver(node: string): Promise<void> {
    const entry = this.deps.board.entry(node);
    if (!entry || this.ended) return;
    if (!this.response.write(eventFrame(WATCH_EVENT_NODE, summaryToJson(entry))))
      await drainedOrEnded(this.response, 'close');
  }

  private close(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    this.feed?.stop();
    this.deps.watchers.delete(this);
    this.deps.open.delete(this);
    this.deps.metrics.open.dec();
  }
}
