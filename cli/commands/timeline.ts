import type { TimelineJson } from '../../common/api/http-v1.js';
import { type Command, json } from '../command.js';
import { renderTable } from '../render/table.js';

/** The vitals shown in the table, with how to print each; the full set is in -o json. */
const COLUMNS: readonly [header: string, key: string, format: (value: number) => string][] = [
  ['CPU PSI', 'cpuPressureRatio', (v) => `${(v * 100).toFixed(0)}%`],
  ['MEM AVAIL', 'memoryAvailableBytes', (v) => `${(v / 2 ** 20).toFixed(0)}Mi`],
  ['DISK', 'diskUsedRatio', (v) => `${(v * 100).toFixed(0)}%`],
  ['CONNTRACK', 'conntrackUtilizationRatio', (v) => `${(v * 100).toFixed(0)}%`],
  ['DNS P95', 'dnsP95Seconds', (v) => `${(v * 1000).toFixed(0)}ms`],
];

export const timelineCommand: Command = {
  name: 'timeline',
  argsUsage: 'NODE',
  summary: 'A node’s reports over time (--since, default 1h): vitals and findings per report.',
  arity: 1,
  async run({ api, format, style, args, since }) {
    const node = args[0] as string;
    const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
    const timeline = await api.get<TimelineJson>(
      `/api/v1/nodes/${encodeURIComponent(node)}/timeline${query}`,
    );
    if (format === 'json') return json(timeline);
    if (timeline.points.length === 0) return `No reports from ${node} in that window.\n`;
    return renderTable(
      ['TIME', ...COLUMNS.map(([header]) => header), 'FINDINGS'],
      timeline.points.map((point) => [
        point.sampledAt,
        ...COLUMNS.map(([, key, show]) => {
          const value = point.vitals[key];
          return value === undefined ? '-' : show(value);
        }),
        point.findings.map((finding) => `${finding.cause}(${style.severity(finding.severity)})`).join(' ') ||
          '-',
      ]),
    );
  },
};
