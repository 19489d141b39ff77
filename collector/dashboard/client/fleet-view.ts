import type { FleetJson, NodeStatusString, NodeSummaryJson } from '../../../common/api/http-v1.js';
import { h, replaceChildren } from './dom.js';
import { ago } from './format.js';
import { STATUSES, statusBadge, statusRank } from './status.js';

/**
 * Rows per page. The table is paged rather than fully rendered so a fleet of thousands stays responsive:
 * filtering and sorting run over the data, and only one page of rows is ever in the DOM.
 */
export const PAGE_SIZE = 100;

type SortKey = 'node' | 'status' | 'cause' | 'lastSeen';
const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'node', label: 'Node' },
  { key: 'status', label: 'Status' },
  { key: 'cause', label: 'Top cause' },
  { key: 'lastSeen', label: 'Last seen' },
];

function compare(key: SortKey, a: NodeSummaryJson, b: NodeSummaryJson): number {
  switch (key) {
    case 'node':
      return a.node.localeCompare(b.node);
    case 'status':
      return statusRank(a.status) - statusRank(b.status);
    case 'cause':
      return (a.causes[0]?.id ?? '~').localeCompare(b.causes[0]?.id ?? '~');
    case 'lastSeen':
      return Date.parse(b.lastSeen) - Date.parse(a.lastSeen);
  }
}

/**
 * The fleet: counts by status (each a filter toggle), fleet-scope causes on top, then the nodes table —
 * sortable by every column, filtered by text (node name or cause) and status, one page at a time. The
 * controls are built once, so typing in the filter keeps focus while live updates re-render the rows.
 */
export class FleetView {
  readonly root = h('section', { 'aria-labelledby': 'fleet-title' });
  private readonly counts = h('div', { class: 'counts', role: 'group', 'aria-label': 'Nodes by status' });
  private readonly fleetCauses = h('section', { 'aria-label': 'Fleet-wide causes' });
  private readonly filterInput = h('input', {
    type: 'search',
    id: 'node-filter',
    placeholder: 'node name or cause',
  });
  private readonly statusSelect = h('select', { id: 'status-filter' });
  private readonly head = h('tr');
  private readonly body = h('tbody');
  private readonly pager = h('div', { class: 'pager' });
  private readonly summary = h('p', { class: 'muted', role: 'status' });
  private sortKey: SortKey = 'status';
  private ascending = true;
  private page = 0;
  private statusFilter: NodeStatusString | '' = '';
  private nodes: readonly NodeSummaryJson[] = [];
  private fleet: FleetJson = { nodes: 0, causes: [] };

  constructor() {
    this.statusSelect.append(h('option', { value: '' }, 'any status'));
    for (const status of STATUSES) this.statusSelect.append(h('option', { value: status }, status));
    this.filterInput.addEventListener('input', () => {
      this.page = 0;
      this.renderRows();
    });
    this.statusSelect.addEventListener('change', () => {
      this.statusFilter = this.statusSelect.value as NodeStatusString | '';
      this.page = 0;
      this.render();
    });
    this.root.append(
      h('h2', { id: 'fleet-title' }, 'Fleet'),
      this.counts,
      this.fleetCauses,
      h('h2', {}, 'Nodes'),
      h(
        'div',
        { class: 'controls' },
        h('label', { for: 'node-filter' }, 'Filter', this.filterInput),
        h('label', { for: 'status-filter' }, 'Status', this.statusSelect),
      ),
      this.summary,
      h('table', { id: 'nodes' }, h('thead', {}, this.head), this.body),
      this.pager,
    );
  }

  update(nodes: readonly NodeSummaryJson[], fleet: FleetJson): void {
    this.nodes = nodes;
    this.fleet = fleet;
    this.render();
  }

  /** Re-renders relative times ("12 s ago") without new data. */
  tick(): void {
    this.renderRows();
  }

  private render(): void {
    this.renderCounts();
    this.renderFleetCauses();
    this.renderHead();
    this.renderRows();
  }

  private renderCounts(): void {
    const counts = new Map<NodeStatusString, number>(STATUSES.map((status) => [status, 0]));
    for (const node of this.nodes) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
    replaceChildren(
      this.counts,
      ...STATUSES.map((status) => {
        const button = h(
          'button',
          {
            type: 'button',
            class: `count status-${status}`,
            'aria-pressed': String(this.statusFilter === status),
            'data-status': status,
          },
          h('strong', {}, String(counts.get(status) ?? 0)),
          status,
        );
        button.addEventListener('click', () => {
          this.statusFilter = this.statusFilter === status ? '' : status;
          this.statusSelect.value = this.statusFilter;
          this.page = 0;
          this.render();
        });
        return button;
      }),
    );
  }

  private renderFleetCauses(): void {
    if (this.fleet.causes.length === 0) {
      replaceChildren(this.fleetCauses);
      return;
    }
    replaceChildren(
      this.fleetCauses,
      h('h2', {}, 'Fleet-wide causes'),
      h(
        'ul',
        { class: 'fleet-causes' },
        ...this.fleet.causes.map((cause) =>
          h(
            'li',
            { class: `sev-border-${cause.severity}` },
            h('span', { class: `sev sev-${cause.severity}` }, cause.severity),
            ' ',
            h('strong', {}, cause.id),
            ` on ${cause.nodes.length} of ${this.fleet.nodes} nodes — ${cause.summary} `,
            h('a', { href: cause.runbook }, 'runbook'),
          ),
        ),
      ),
    );
  }

  private renderHead(): void {
    replaceChildren(
      this.head,
      ...COLUMNS.map(({ key, label }) => {
        const button = h('button', { type: 'button' }, label);
        button.addEventListener('click', () => {
          this.ascending = this.sortKey === key ? !this.ascending : true;
          this.sortKey = key;
          this.page = 0;
          this.renderHead();
          this.renderRows();
        });
        return h(
          'th',
          {
            scope: 'col',
            'aria-sort': this.sortKey === key ? (this.ascending ? 'ascending' : 'descending') : 'none',
          },
          button,
        );
      }),
    );
  }

  private visible(): NodeSummaryJson[] {
    const text = this.filterInput.value.trim().toLowerCase();
    const matches = this.nodes.filter(
      (node) =>
        (this.statusFilter === '' || node.status === this.statusFilter) &&
        (text === '' ||
          node.node.toLowerCase().includes(text) ||
          node.causes.some((cause) => cause.id.includes(text))),
    );
    const direction = this.ascending ? 1 : -1;
    return matches.sort((a, b) => direction * compare(this.sortKey, a, b) || a.node.localeCompare(b.node));
  }

  private renderRows(): void {
    const rows = this.visible();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    this.page = Math.min(this.page, pages - 1);
    const first = this.page * PAGE_SIZE;
    const shown = rows.slice(first, first + PAGE_SIZE);
    const now = Date.now();
    replaceChildren(
      this.body,
      ...shown.map((node) => {
        const top = node.causes[0];
        return h(
          'tr',
          { 'data-node': node.node },
          h('td', { class: 'node' }, h('a', { href: `#/nodes/${encodeURIComponent(node.node)}` }, node.node)),
          h('td', {}, statusBadge(node.status)),
          h(
            'td',
            {},
            top
              ? h(
                  'span',
                  {},
                  h('span', { class: `sev sev-${top.severity}` }, top.severity),
                  ' ',
                  h('strong', {}, top.id),
                  ` ${top.summary}`,
                )
              : h('span', { class: 'muted' }, 'none'),
          ),
          h('td', { title: node.lastSeen }, ago(node.lastSeen, now)),
        );
      }),
    );
    this.summary.textContent =
      this.nodes.length === 0
        ? 'No node has reported to this collector yet.'
        : `${rows.length} of ${this.nodes.length} nodes match` +
          (rows.length > PAGE_SIZE ? `; showing ${first + 1}–${first + shown.length}` : '');
    const previous = h('button', { type: 'button' }, '← previous');
    const next = h('button', { type: 'button' }, 'next →');
    previous.disabled = this.page === 0;
    next.disabled = this.page >= pages - 1;
    previous.addEventListener('click', () => {
      this.page -= 1;
      this.renderRows();
    });
    next.addEventListener('click', () => {
      this.page += 1;
      this.renderRows();
    });
    if (pages > 1) replaceChildren(this.pager, previous, `page ${this.page + 1} of ${pages}`, next);
    else replaceChildren(this.pager);
  }
}
