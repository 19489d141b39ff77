import type { CauseJson, NodeDetailJson } from '../../common/api/http-v1.js';
import type { ApiClient } from '../api-client.js';
import { type Command, json } from '../command.js';
import { ago } from '../render/relative-time.js';
import type { Style } from '../render/style.js';

function renderCause(cause: CauseJson, rank: number, api: ApiClient, style: Style): string[] {
  const lines = [
    `${rank}. ${style.paint('bold', cause.id)}  ${style.severity(cause.severity)}  ${cause.scope === 'fleet' ? 'fleet-wide  ' : ''}confidence ${cause.confidence.toFixed(2)}`,
    `   ${cause.summary}`,
  ];
  if (cause.evidence.length > 0) {
    lines.push('   evidence:');
    for (const item of cause.evidence) {
      const when =
        item.firstSeen === item.lastSeen ? item.firstSeen : `${item.firstSeen} .. ${item.lastSeen}`;
      lines.push(`     - ${item.finding.summary} ${style.paint('gray', `(${item.finding.check}, ${when})`)}`);
    }
  }
  if (cause.remediation.length > 0) {
    lines.push('   what to do:');
    lines.push(...cause.remediation.map((step, index) => `     ${index + 1}. ${step}`));
  }
  lines.push(`   runbook: ${api.resolve(cause.runbook)}`);
  return lines;
}

export const whyCommand: Command = {
  name: 'why',
  argsUsage: 'NODE',
  summary: 'Why a node is NotReady or at risk: ranked causes, evidence, what to do, the runbook.',
  arity: 1,
  async run({ api, format, style, nowMs, args }) {
    const node = args[0] as string;
    const detail = await api.get<NodeDetailJson>(`/api/v1/nodes/${encodeURIComponent(node)}`);
    if (format === 'json') return json(detail);
    const header = `${style.paint('bold', detail.node)}  ${style.status(detail.status)}  last seen ${ago(detail.lastSeen, nowMs)}${detail.bootId ? `  boot ${detail.bootId.slice(0, 8)}` : ''}`;
    if (detail.causes.length === 0) {
      return `${header}\n\nNo cause found: the latest report has no finding.\n`;
    }
    const body = detail.causes.flatMap((cause, index) => ['', ...renderCause(cause, index + 1, api, style)]);
    return `${[header, ...body].join('\n')}\n`;
  },
};
