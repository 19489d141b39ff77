import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { agentOnce, findingsFor, onlyFinding } from '../harness/agent-process.js';
import { type FakeEndpoint, KUBELET_HEALTHY, startFakeEndpoint } from '../harness/http-endpoint.js';

/**
 * The kubelet health probe against a real local HTTP server playing the kubelet's healthz on 127.0.0.1
 * (never the real :10248, which this host does not have), and without any kubelet at all.
 */

/** Short, so a hung endpoint costs the test two seconds per agent run rather than ten. */
const PROBE_TIMEOUT = '1s';
const PROBE_TIMEOUT_MS = 1_000;
/** The agent's defaults (agent/config/agent-flags.ts, thresholds.ts). */
const DEFAULT_HEALTHZ_PORT = 10248;
const DEFAULT_KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
const KUBELET_FAILURES = 2;
/**
 * --once samples twice, and a failure that comes back at once (an HTTP error, a refused connection) is asked
 * again within the cycle: four failed attempts in a row. A hang is not retried here: its 1 s timeout uses up
 * the whole 1 s --once gap (agent/probes/probe-retry.ts), so it fails once per cycle.
 */
const FAST_FAILURE_ATTEMPTS = 4;

function kubeletArgs(endpoint: FakeEndpoint, extra: readonly string[] = []): string[] {
  return ['--kubelet-healthz-url', `${endpoint.origin}/healthz`, '--probe-timeout', PROBE_TIMEOUT, ...extra];
}

function kubeletOf(report: AgentReport) {
  return report.samples.kubelet;
}

/** Whether anything accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('kubelet healthz probe', () => {
  const endpoints: FakeEndpoint[] = [];
  const start = async () => {
    const endpoint = await startFakeEndpoint(KUBELET_HEALTHY);
    endpoints.push(endpoint);
    return endpoint;
  };
  afterEach(async () => {
    for (const endpoint of endpoints.splice(0)) await endpoint.close();
  });

  it('a healthz answering 200 "ok" is ok with a latency, and raises nothing', async () => {
    const kubelet = await start();
    const report = await agentOnce(kubeletArgs(kubelet));
    const reading = kubeletOf(report);
    expect(reading).toMatchObject({ status: 'ok', url: `${kubelet.origin}/healthz`, consecutiveFailures: 0 });
    expect(reading.status === 'ok' && reading.latencySeconds).toBeGreaterThan(0);
    // --once samples twice; each sample probes once.
    expect(kubelet.requests).toEqual(['/healthz', '/healthz']);
    expect(findingsFor(report, 'kubelet-down')).toEqual([]);
  });

  it('a healthz that accepts and never answers is down, and kubelet-down after two failures (no room to retry)', async () => {
    const kubelet = await start();
    kubelet.behave({ kind: 'hang' });
    const report = await agentOnce(kubeletArgs(kubelet));
    const reading = kubeletOf(report);
    expect(reading).toMatchObject({ status: 'down', consecutiveFailures: KUBELET_FAILURES });
    expect(reading.status === 'down' && reading.reason).toContain(`no answer within ${PROBE_TIMEOUT_MS}ms`);
    expect(kubelet.requests).toHaveLength(2);
    const finding = onlyFinding(report, 'kubelet-down');
    expect(finding).toMatchObject({
      check: 'kubelet-health',
      severity: 'critical',
      value: KUBELET_FAILURES,
      threshold: KUBELET_FAILURES,
    });
    expect(finding.summary).toContain(`${kubelet.origin}/healthz`);
  });

  it('two failures are not enough when the threshold asks for three', async () => {
    const kubelet = await start();
    kubelet.behave({ kind: 'hang' });
    const report = await agentOnce(kubeletArgs(kubelet, ['--threshold', 'kubelet-failures=3']));
    expect(kubeletOf(report)).toMatchObject({ status: 'down', consecutiveFailures: 2 });
    expect(findingsFor(report, 'kubelet-down')).toEqual([]);
  });

  it('a healthz answering 500 is down with the status in the reason', async () => {
    const kubelet = await start();
    kubelet.behave({ kind: 'answer', status: 500, body: '[-]ping failed\nhealthz check failed' });
    const report = await agentOnce(kubeletArgs(kubelet));
    const reading = kubeletOf(report);
    expect(reading).toMatchObject({
      status: 'down',
      consecutiveFailures: FAST_FAILURE_ATTEMPTS,
      retried: true,
    });
    expect(reading.status === 'down' && reading.reason).toContain('HTTP 500');
    // Each cycle's failed probe was asked again.
    expect(kubelet.requests).toHaveLength(FAST_FAILURE_ATTEMPTS);
    expect(findingsFor(report, 'kubelet-down')).toHaveLength(1);
  });

  it('a closed port is down with ECONNREFUSED', async () => {
    const kubelet = await start();
    await kubelet.close();
    expect(await listening(kubelet.port)).toBe(false);
    const report = await agentOnce(kubeletArgs(kubelet));
    const reading = kubeletOf(report);
    expect(reading).toMatchObject({
      status: 'down',
      consecutiveFailures: FAST_FAILURE_ATTEMPTS,
      retried: true,
    });
    expect(reading.status === 'down' && reading.reason).toContain('ECONNREFUSED');
    expect(findingsFor(report, 'kubelet-down')).toHaveLength(1);
  });

  it('without --kubelet-healthz-url on this kubelet-less host it is absent, not down', async () => {
    // The premise: nothing on the default port and no kubelet configured. Otherwise this would be a node.
    expect(await listening(DEFAULT_HEALTHZ_PORT)).toBe(false);
    expect(existsSync(DEFAULT_KUBELET_CONFIG)).toBe(false);
    const report = await agentOnce([]);
    const reading = kubeletOf(report);
    expect(reading.status).toBe('absent');
    expect(reading.status === 'absent' && reading.reason).toContain(`127.0.0.1:${DEFAULT_HEALTHZ_PORT}`);
    expect(findingsFor(report, 'kubelet-down')).toEqual([]);
  });
});
