import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAgentConfig } from '../../../agent/config/agent-config.js';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { CycleBoard } from '../../../agent/cycle-board.js';
import { createAgentMetrics } from '../../../agent/metrics/registry.js';
import { DiagnosisBoard } from '../../../collector/diagnosis/diagnosis-board.js';
import { createCollectorMetrics } from '../../../collector/metrics/collector-registry.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { DEPLOY_DIR } from '../../harness/deploy-manifests.js';
import { promtoolCheckRules } from '../../harness/promtool-rules.js';
import { requires } from '../../harness/system-requirements.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string }[];
}

interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: Panel[];
}

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

/** Panels take their data source from the dashboard's `datasource` variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template.
const DATASOURCE_VARIABLE = '${datasource}';

/** Prometheus' own per-target series. */
const PROMETHEUS_SERIES = ['up'];

const dashboard = JSON.parse(readFileSync(`${DEPLOY_DIR}dashboards/nodedoc.json`, 'utf8')) as Dashboard;
const queryPanels = dashboard.panels.filter((panel) => panel.type !== 'row');
const exprs = queryPanels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel, expr: target.expr })),
);

/** Every metric family the agent and the collector register, with a histogram's series suffixes. */
function exportedMetricNames(): Set<string> {
  const config = buildAgentConfig(parseFlags(AGENT_FLAGS, [], {}), {});
  const inventory = { os: null, kernel: null, arch: null, cpuModel: null, cpuCores: null, memoryBytes: null };
  const agent = createAgentMetrics(new CycleBoard(), config, inventory).registry.getMetricsAsArray();
  const collector = createCollectorMetrics(new DiagnosisBoard(), '/nonexistent').registry.getMetricsAsArray();
  const names = new Set<string>(PROMETHEUS_SERIES);
  for (const metric of [...agent, ...collector]) {
    names.add(metric.name);
    // prom-client types `type` as a numeric enum, but the value at run time is the exposition type name.
    if (String(metric.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/** The metric names a PromQL expression selects: identifiers outside strings, label sets, ranges and groupings that are not functions or keywords. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)/g)) {
    if (match[1] || PROMQL_KEYWORDS.has(match[0])) continue;
    names.push(match[0]);
  }
  return names;
}

/** A panel expression with Grafana's variables replaced by values Prometheus can parse. */
function concrete(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$node', 'node-a');
}

describe('Grafana dashboard (deploy/dashboards/nodedoc.json)', () => {
  it('has a data source and a node variable, as node-mixin dashboards do', () => {
    expect(dashboard.uid).toBe('nodedoc');
    const variables = dashboard.templating.list.map((variable) => [variable.name, variable.type]);
    expect(variables).toEqual([
      ['datasource', 'datasource'],
      ['node', 'query'],
    ]);
    expect(JSON.stringify(dashboard.templating.list[1]?.query)).toContain(
      'label_values(nodedoc_agent_cycles_total, node)',
    );
  });

  it('shows fleet status, causes over time and per-node CPU, memory, disk, conntrack and DNS', () => {
    const titles = dashboard.panels.map((panel) => panel.title);
    for (const title of [
      'Fleet',
      'Nodes by status',
      'Causes over time',
      'Node: $node',
      'CPU',
      'Memory',
      'Disk space used',
      'Conntrack table',
      'DNS p95 latency',
    ]) {
      expect(titles).toContain(title);
    }
  });

  it('queries only metric names the agent, the collector or Prometheus export', () => {
    const known = exportedMetricNames();
    for (const { panel, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(known, `${panel.title}: ${name}`).toContain(name);
    }
  });

  it('recognises a metric name the programs do not export (the check can fail)', () => {
    expect(
      metricNames('sum by (node) (rate(nodedoc_made_up_total{node="$node"}[5m])) / on (node) up'),
    ).toEqual(['nodedoc_made_up_total', 'up']);
    expect(exportedMetricNames()).not.toContain('nodedoc_made_up_total');
  });

  it('filters every panel below the node row by the node variable', () => {
    const nodeRow = dashboard.panels.find((panel) => panel.type === 'row' && panel.title === 'Node: $node');
    for (const { panel, expr } of exprs) {
      if (panel.gridPos.y > (nodeRow?.gridPos.y ?? Number.POSITIVE_INFINITY)) {
        for (const match of expr.matchAll(/nodedoc_\w+(\{[^}]*\})?/g)) {
          expect(match[1], `${panel.title}: ${match[0]}`).toContain('node="$node"');
        }
      }
    }
  });

  it('lays panels out on the 24-column grid without overlaps, each with a unique id, a description and the data source variable', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of queryPanels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_VARIABLE });
      expect(panel.description, panel.title).toBeTruthy();
    }
    const cells = new Set<string>();
    for (const { gridPos, title } of dashboard.panels) {
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(GRID_COLUMNS);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it.skipIf(requires({ commands: ['promtool'] }))('has panel queries Prometheus can parse (promtool)', () => {
    const rules = exprs.map(({ expr }, index) => ({
      record: `nodedoc:dashboard_panel_${index}`,
      expr: concrete(expr),
    }));
    const result = promtoolCheckRules({ groups: [{ name: 'dashboard', rules }] });
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.code).toBe(0);
  });
});
