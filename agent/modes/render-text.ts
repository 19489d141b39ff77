import type { AgentReport } from '../report.js';

/** The human-readable form of a report: signal states, then findings most severe first. */
export function renderReportText(report: AgentReport): string {
  const lines = [`node ${report.node}  boot ${report.bootId ?? '?'}  ${report.time}`, '', 'signals:'];
  for (const [name, reading] of Object.entries(report.samples)) {
    const detail = 'reason' in reading && typeof reading.reason === 'string' ? `  ${reading.reason}` : '';
    lines.push(`  ${name.padEnd(12)} ${reading.status}${detail}`);
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('findings: none');
  } else {
    lines.push('findings:');
    for (const finding of report.findings) {
      lines.push(
        `  ${finding.severity.toUpperCase().padEnd(8)} ${finding.cause.padEnd(22)} ${finding.summary}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
