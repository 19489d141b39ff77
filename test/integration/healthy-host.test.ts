import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { SIGNAL_NAMES } from '../../agent/sample-types.js';
import { runAgent } from '../harness/agent-process.js';

/**
 * This machine as it is: a healthy Linux host with no kubelet, no container runtime and no cluster DNS.
 * `nodedoc-agent --once --json` with no flags must describe it without alarm.
 */

/**
 * Kernel-log events (an OOM kill from another integration test minutes ago) stay findings for
 * --event-hold, 5 minutes by default. The question here is the host's state now, so only events from the
 * agent's own run count.
 */
const EVENT_HOLD = '0s';

describe('a healthy host', () => {
  let report: AgentReport;
  let stderr: string;

  beforeAll(async () => {
    const result = await runAgent(['--once', '--json', '--event-hold', EVENT_HOLD]);
    expect(result.code, result.stderr).toBe(0);
    report = JSON.parse(result.stdout) as AgentReport;
    stderr = result.stderr;
  });

  it('exits 0 with one JSON document holding every signal of the brief', () => {
    expect(Object.keys(report.samples).sort()).toEqual([...SIGNAL_NAMES].sort());
    expect(report.node).not.toBe('');
    expect(report.bootId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Number.isNaN(Date.parse(report.time))).toBe(false);
    // Nothing went wrong enough to be logged (--once logs to stderr only at warn and above).
    expect(stderr).toBe('');
  });

  it('reads every host signal: none is unavailable', () => {
    const unavailable = Object.entries(report.samples).filter(
      ([, reading]) => reading.status === 'unavailable',
    );
    expect(unavailable).toEqual([]);
    for (const signal of ['cpu', 'memory', 'disk', 'io', 'processes', 'identity'] as const) {
      expect(report.samples[signal].status, signal).toBe('ok');
    }
  });

  it('reports dns, kubelet and runtime absent (not down) on a host that has none', () => {
    for (const signal of ['dns', 'kubelet', 'runtime'] as const) {
      expect(report.samples[signal].status, signal).toBe('absent');
    }
  });

  it('raises no critical finding', () => {
    expect(report.findings.filter((finding) => finding.severity === 'critical')).toEqual([]);
  });
});
