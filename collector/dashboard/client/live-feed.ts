import type { WATCH_EVENT_NODE, WatchNodeEventJson } from '../../../common/api/http-v1.js';

/** The event name of the contract; the type ties it to common/api/http-v1.ts (only types cross to the browser). */
const NODE_EVENT: typeof WATCH_EVENT_NODE = 'node';

/** How the dashboard is kept current: the event stream, or polling while the stream is down. */
export type FeedState = 'connecting' | 'live' | 'polling';

/**
 * Polling period while the event stream is down: agents report every 10 s by default, so 5 s shows a
 * change within one report interval without loading the collector with one request per second per tab.
 */
export const POLL_INTERVAL_MS = 5_000;
/**
 * After the collector refused the stream (503: too many streams, or not ready), try it again this much
 * later; EventSource itself gives up on a refusal, and reconnects on its own only after a dropped stream.
 */
export const STREAM_RETRY_MS = 30_000;

export interface FeedHandlers {
  /** A node's summary changed (or was sent on connect). */
  onNode(summary: WatchNodeEventJson): void;
  /** Fetch everything again: polling, and once after (re)connecting so nothing missed stays stale. */
  refresh(): Promise<void>;
  onState(state: FeedState): void;
}

/**
 * Live updates over GET /api/v1/watch (server-sent events). While the stream is down the dashboard polls
 * instead; EventSource reconnects by itself after a drop, and a refused stream is retried on a timer.
 */
export class LiveFeed {
  private source: EventSource | undefined;
  private pollTimer: number | undefined;
  private retryTimer: number | undefined;

  constructor(
    private readonly url: string,
    private readonly handlers: FeedHandlers,
  ) {}

  start(): void {
    this.handlers.onState('connecting');
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener('open', () => {
      this.stopPolling();
      this.handlers.onState('live');
    });
    source.addEventListener(NODE_EVENT, (event) => {
      try {
        this.handlers.onNode(JSON.parse((event as MessageEvent<string>).data) as WatchNodeEventJson);
      } catch {
        // A malformed event is skipped; the next poll or event brings the node's state again.
      }
    });
    source.addEventListener('error', () => {
      this.startPolling();
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.source = undefined;
        this.retryTimer = window.setTimeout(() => this.start(), STREAM_RETRY_MS);
      }
    });
  }

  private startPolling(): void {
    this.handlers.onState('polling');
    if (this.pollTimer !== undefined) return;
    void this.handlers.refresh();
    this.pollTimer = window.setInterval(() => void this.handlers.refresh(), POLL_INTERVAL_MS);
  }

  private stopPolling(): void {
    if (this.pollTimer === undefined) return;
    window.clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  stop(): void {
    this.stopPolling();
    window.clearTimeout(this.retryTimer);
    this.source?.close();
  }
}
