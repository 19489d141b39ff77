import { markdownCell, renderFlagTable } from '../../common/cli/usage.js';
import { bundledRunbookDirectory, RUNBOOK_DIRECTORY } from '../../common/runbooks/runbook-directory.js';
import { RunbookLibrary } from '../../common/runbooks/runbook-library.js';
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
    'collector-runbooks': renderRunbookTable(),
  };
}

/** Every cause with a link to its runbook file, titled as the file is. */
function renderRunbookTable(): string {
  const library = RunbookLibrary.load(bundledRunbookDirectory() ?? RUNBOOK_DIRECTORY);
  const rows = library
    .all()
    .map(
      (runbook) =>
        `| \`${runbook.id}\` | [${markdownCell(runbook.title)}](${RUNBOOK_DIRECTORY}/${runbook.id}.md) |`,
    );
  return ['| cause | runbook |', '| --- | --- |', ...rows].join('\n');
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
