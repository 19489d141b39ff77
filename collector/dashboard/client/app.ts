import type { FleetJson, NodeSummaryJson } from '../../../common/api/http-v1.js';
import { getJson } from './api.js';
import { h, replaceChildren } from './dom.js';
import { FleetView } from './fleet-view.js';
import { type FeedState, LiveFeed } from './live-feed.js';
import { NodeView } from './node-view.js';

/**
 * The fleet-wide causes are recomputed from every node, so after a burst of node events they are fetched
 * at most this often rather than once per event.
 */
const FLEET_REFRESH_MS = 2_000;
/** Relative times ("12 s ago") are redrawn this often. */
const TICK_MS = 10_000;

const FEED_TEXT: Readonly<Record<FeedState, string>> = {
  connecting: 'connecting…',
  live: 'live',
  polling: `live updates unavailable: polling`,
};

/** The node a "#/nodes/NAME" hash names; undefined for the fleet (and for a malformed name). */
function nodeOfHash(hash: string): string | undefined {
  const match = /^#\/nodes\/(.+)$/.exec(hash);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** The dashboard: one store of node summaries kept current by the live feed, and the view the hash names. */
class Dashboard {
  private readonly main: HTMLElement;
  private readonly liveBadge: HTMLElement;
  private readonly nodes = new Map<string, NodeSummaryJson>();
  private fleet: FleetJson = { nodes: 0, causes: [] };
  private readonly fleetView = new FleetView();
  private nodeView: NodeView | undefined;
  private renderQueued = false;
  private fleetTimer: number | undefined;

  constructor() {
    const main = document.getElementById('view');
    const live = document.getElementById('live');
    if (!main || !live) throw new Error('the page has no #view or #live element');
    this.main = main;
    this.liveBadge = live;
  }

  async start(): Promise<void> {
    window.addEventListener('hashchange', () => this.route());
    this.route();
    await this.refresh();
    new LiveFeed('/api/v1/watch', {
      onNode: (summary) => this.onNode(summary),
      refresh: () => this.refresh(),
      onState: (state) => {
        this.liveBadge.dataset.state = state;
        this.liveBadge.textContent = FEED_TEXT[state];
      },
    }).start();
    window.setInterval(() => {
      if (!this.nodeView) this.fleetView.tick();
    }, TICK_MS);
  }

  /** Everything again (start-up and polling). */
  private async refresh(): Promise<void> {
    try {
      const [nodes, fleet] = await Promise.all([
        getJson<NodeSummaryJson[]>('/api/v1/nodes'),
        getJson<FleetJson>('/api/v1/fleet'),
      ]);
      this.nodes.clear();
      for (const node of nodes) this.nodes.set(node.node, node);
      this.fleet = fleet;
      this.queueRender();
      await this.nodeView?.refresh();
    } catch (error) {
      if (!this.nodeView) {
        replaceChildren(
          this.main,
          h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)),
        );
      }
    }
  }

  private onNode(summary: NodeSummaryJson): void {
    this.nodes.set(summary.node, summary);
    this.queueRender();
    if (this.nodeView?.node === summary.node) void this.nodeView.refresh();
    this.fleetTimer ??= window.setTimeout(() => {
      this.fleetTimer = undefined;
      getJson<FleetJson>('/api/v1/fleet').then(
        (fleet) => {
          this.fleet = fleet;
          this.queueRender();
        },
        () => undefined,
      );
    }, FLEET_REFRESH_MS);
  }

  /** Many events in one frame render once. */
  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      if (!this.nodeView) this.fleetView.update([...this.nodes.values()], this.fleet);
    });
  }

  private route(): void {
    const node = nodeOfHash(window.location.hash);
    this.nodeView?.destroy();
    this.nodeView = undefined;
    if (node !== undefined) {
      const view = new NodeView(node);
      this.nodeView = view;
      document.title = `${view.node} — nodedoc`;
      replaceChildren(this.main, view.root);
      void view.refresh();
    } else {
      document.title = 'nodedoc';
      replaceChildren(this.main, this.fleetView.root);
      this.fleetView.update([...this.nodes.values()], this.fleet);
    }
    this.main.focus();
  }
}

void new Dashboard().start();
