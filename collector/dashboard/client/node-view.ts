import type { CauseJson, NodeDetailJson, TimelineJson } from '../../../common/api/http-v1.js';
import { getJson, nodePath } from './api.js';
import { CHART_SPECS, thresholdsOf } from './chart-specs.js';
import { h, replaceChildren } from './dom.js';
import { findingChanges } from './findings-timeline.js';
import { ago, clock, percent } from './format.js';
import { statusBadge } from './status.js';
import { VitalsChart } from './vitals-chart.js';

/** The charts cover the last hour; the store's maximum page holds it at any interval down to 0.4 s. */
const TIMELINE_QUERY = '?since=1h&limit=10000';

function renderCause(cause: CauseJson, rank: number): HTMLElement {
  return h(
    'article',
    { class: `cause sev-border-${cause.severity}`, 'data-cause': cause.id },
    h(
      'h3',
      {},
      `${rank}. `,
      h('span', { class: `sev sev-${cause.severity}` }, cause.severity),
      ` ${cause.id}`,
      cause.scope === 'fleet' ? ' (fleet-wide)' : '',
    ),
    h('p', {}, cause.summary, h('span', { class: 'muted' }, ` — confidence ${percent(cause.confidence)}`)),
    cause.explains?.length ? h('p', {}, `Root cause of: ${cause.explains.join(', ')}`) : null,
    cause.explainedBy?.length
      ? h('p', { class: 'muted' }, `Explained by: ${cause.explainedBy.join(', ')}`)
      : null,
    cause.evidence.length > 0 &&
      h(
        'div',
        {},
        h('strong', {}, 'Evidence'),
        h(
          'ul',
          {},
          ...cause.evidence.map((item) =>
            h(
              'li',
              {},
              item.finding.summary,
              h(
                'span',
                { class: 'muted' },
                ` (${item.source === 'kubernetes' ? 'Kubernetes, ' : ''}${item.finding.check}, since ${clock(item.firstSeen)}, last ${clock(item.lastSeen)})`,
              ),
            ),
          ),
        ),
      ),
    cause.remediation.length > 0 &&
      h(
        'div',
        {},
        h('strong', {}, 'What to do'),
        h('ol', {}, ...cause.remediation.map((step) => h('li', {}, step))),
      ),
    h('p', {}, h('a', { href: cause.runbook, class: 'runbook' }, `Runbook: ${cause.id}`)),
  );
}

/** One node: status, ranked causes with evidence and remediation, the last hour's vitals, the findings timeline. */
export class NodeView {
  readonly root = h('section', { 'aria-labelledby': 'node-title' });
  private charts: VitalsChart[] = [];
  private loading: Promise<void> | undefined;
  private again = false;

  constructor(readonly node: string) {
    this.root.append(h('p', { class: 'muted' }, `Loading ${node}…`));
  }

  /** Fetches and renders; a refresh asked for while one runs is done once after it. */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.loading;
  }

  destroy(): void {
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
  }

  private async load(): Promise<void> {
    let detail: NodeDetailJson;
    let timeline: TimelineJson;
    try {
      [detail, timeline] = await Promise.all([
        getJson<NodeDetailJson>(nodePath(this.node)),
        getJson<TimelineJson>(`${nodePath(this.node)}/timeline${TIMELINE_QUERY}`),
      ]);
    } catch (error) {
      replaceChildren(
        this.root,
        h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)),
        h('p', {}, h('a', { href: '#/' }, '← back to the fleet')),
      );
      return;
    }
    this.render(detail, timeline);
  }

  private render(detail: NodeDetailJson, timeline: TimelineJson): void {
    this.destroy();
    const charts = CHART_SPECS.map(
      (spec) => new VitalsChart(spec, timeline.points, thresholdsOf(spec, detail.findings)),
    );
    this.charts = charts;
    const changes = findingChanges(timeline.points);
    replaceChildren(
      this.root,
      h('p', {}, h('a', { href: '#/' }, '← fleet')),
      h(
        'div',
        { class: 'node-head' },
        h('h2', { id: 'node-title' }, detail.node),
        statusBadge(detail.status),
        h(
          'span',
          { class: 'muted', title: detail.lastSeen },
          `last seen ${ago(detail.lastSeen, Date.now())}`,
        ),
        h(
          'span',
          { class: 'muted' },
          `agent ${detail.agentVersion} · ${detail.os} · kernel ${detail.kernel}` +
            (detail.bootId ? ` · boot ${detail.bootId.slice(0, 8)}` : ''),
        ),
      ),
      h('h2', {}, 'Causes'),
      detail.causes.length === 0
        ? h('p', { id: 'no-cause' }, 'No cause found: the latest report has no finding.')
        : h('div', { id: 'causes' }, ...detail.causes.map((cause, index) => renderCause(cause, index + 1))),
      h('h2', {}, 'Last hour'),
      h('div', { class: 'charts' }, ...charts.map((chart) => chart.root)),
      h('h2', {}, 'Findings timeline'),
      changes.length === 0
        ? h('p', { class: 'muted' }, 'No finding raised or cleared in the last hour.')
        : h(
            'ol',
            { class: 'timeline', reversed: '' },
            ...changes.map((change) =>
              h(
                'li',
                {},
                h('time', { datetime: change.at }, clock(change.at)),
                h(
                  'span',
                  { class: `sev sev-${change.kind === 'cleared' ? 'info' : change.finding.severity}` },
                  change.kind,
                ),
                ` ${change.finding.cause}: ${change.finding.summary}`,
              ),
            ),
          ),
    );
  }
}
