import { markdownCell, renderFlagTable } from '../../common/cli/usage.js';
import { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { renderErrorTable } from '../errors.js';
import { createCollectorMetrics } from '../metrics/collector-registry.js';
import { COLLECTOR_FLAGS } from './collector-flags.js';

/**
 * The collector's README sections generated from code, by marker name (<!-- generated:NAME:start/end -->):
 * scripts/update-readme.mjs writes them and test/unit/collector/readme-sections.test.ts fails when they drift.
 */
export function collectorReadmeSections(): Record<string, string> {
  return {
    'collector-flags': renderFlagTable(COLLECTOR_FLAGS),
    'collector-errors': renderErrorTable(),
    'collector-metrics': renderMetricTable(),
  };
}

/** Every metric family the collector registers, with its type and help text. */
function renderMetricTable(): string {
  const { registry } = createCollectorMetrics(new DiagnosisBoard(), '/nonexistent');
  const rows = registry
    .getMetricsAsArray()
    .map((metric) => ({ name: metric.name, type: metric.type, help: metric.help }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, type, help }) => `| \`${name}\` | ${type} | ${markdownCell(help)} |`);
  return ['| metric | type | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
