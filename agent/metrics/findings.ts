import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

/**
 * nodedoc_finding{check,cause,severity,subject}: one series per active finding, value 1. Alert on it
 * directly (`nodedoc_finding{severity="critical"} == 1`) or aggregate by cause.
 */
export function registerFindings({ registry, board }: MetricsContext): void {
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_finding',
      help: 'Active findings of the latest cycle: 1 per finding, labelled with check, cause, severity and subject.',
      labelNames: ['check', 'cause', 'severity', 'subject'],
    },
    (report) =>
      report.findings.map(
        (finding) =>
          [
            {
              check: finding.check,
              cause: finding.cause,
              severity: finding.severity,
              subject: finding.subject ?? '',
            },
            1,
          ] as const,
      ),
  );
}
