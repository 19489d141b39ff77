import type { NodeSummaryJson } from '../../common/api/http-v1.js';
import { type Command, json } from '../command.js';
import { ago } from '../render/relative-time.js';
import { renderTable } from '../render/table.js';

/** Worst first: the person paged looks at the top of the list. */
const STATUS_ORDER = { NotReady: 0, Unreachable: 1, AtRisk: 2, Ready: 3 } as const;

export const nodesCommand: Command = {
  name: 'nodes',
  argsUsage: '',
  summary: 'Every node with its status, top cause and when it last reported.',
  arity: 0,
  async run({ api, format, style, nowMs }) {
    const nodes = await api.get<NodeSummaryJson[]>('/api/v1/nodes');
    if (format === 'json') return json(nodes);
    if (nodes.length === 0) return 'No nodes have reported to this collector yet.\n';
    const sorted = [...nodes].sort(
      (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.node.localeCompare(b.node),
    );
    return renderTable(
      ['NODE', 'STATUS', 'LAST SEEN', 'TOP CAUSE'],
      sorted.map((node) => {
        const top = node.causes[0];
        return [
          node.node,
          style.status(node.status),
          ago(node.lastSeen, nowMs),
          top ? `${top.id} (${style.severity(top.severity)}): ${top.summary}` : '-',
        ];
      }),
    );
  },
};
