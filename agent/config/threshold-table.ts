import { formatBytes } from '../../common/bytes.js';
import { markdownCell } from '../../common/cli/usage.js';
import { formatDuration } from '../../common/duration.js';
import { THRESHOLD_KEYS, THRESHOLD_SPECS } from './thresholds.js';

/** A default as an operator would write it back with --threshold. */
function formatDefault(key: (typeof THRESHOLD_KEYS)[number]): string {
  const spec = THRESHOLD_SPECS[key];
  switch (spec.kind) {
    case 'ratio':
      return `${Number((spec.default * 100).toFixed(4))}%`;
    case 'bytes':
      return formatBytes(spec.default)
        .replace(' ', '')
        .replace('MiB', 'Mi')
        .replace('GiB', 'Gi')
        .replace('KiB', 'Ki');
    case 'seconds':
      return spec.default % 86_400 === 0 ? `${spec.default / 86_400}d` : formatDuration(spec.default * 1000);
    case 'count':
      return String(spec.default);
  }
}

/** The Markdown table of every --threshold key, for the README (kept in step by a test). */
export function renderThresholdTable(): string {
  const rows = THRESHOLD_KEYS.map(
    (key) => `| \`${key}\` | \`${formatDefault(key)}\` | ${markdownCell(THRESHOLD_SPECS[key].description)} |`,
  );
  return ['| key | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
