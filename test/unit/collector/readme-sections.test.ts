import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorReadmeSections } from '../../../collector/config/readme-sections.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function section(name: string): string | undefined {
  return new RegExp(`<!-- generated:${name}:start -->\\n([\\s\\S]*?)\\n<!-- generated:${name}:end -->`).exec(
    README,
  )?.[1];
}

describe('README.md collector sections', () => {
  it.each(Object.entries(collectorReadmeSections()))(
    'section %s matches the code (npm run docs rewrites it)',
    (name, body) => {
      expect(section(name), `README.md section ${name} is stale: run npm run docs`).toBe(body);
    },
  );

  it('documents every collector flag and metric family by name', () => {
    const { 'collector-flags': flags, 'collector-metrics': metrics } = collectorReadmeSections();
    for (const flag of [
      'grpc-listen',
      'http-listen',
      'data-dir',
      'retention',
      'tls-cert',
      'tls-key',
      'tls-ca',
    ]) {
      expect(flags).toContain(`\`--${flag} `);
    }
    for (const metric of [
      'nodedoc_collector_streams_connected',
      'nodedoc_collector_reports_received_total',
      'nodedoc_collector_reports_stored_total',
      'nodedoc_collector_report_duplicates_total',
      'nodedoc_collector_report_gaps_total',
      'nodedoc_collector_streams_rejected_total',
      'nodedoc_collector_ingest_latency_seconds',
      'nodedoc_collector_store_size_bytes',
      'nodedoc_collector_eventloop_delay_p99_seconds',
      'nodedoc_node_status',
    ]) {
      expect(metrics).toContain(`| \`${metric}\` |`);
    }
  });
});
