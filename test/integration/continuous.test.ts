import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNAL_NAMES } from '../../agent/sample-types.js';
import { AGENT_BIN, type RunningAgent, startAgent } from '../harness/agent-process.js';
import { type FakeEndpoint, KUBELET_HEALTHY, startFakeEndpoint } from '../harness/http-endpoint.js';
import { type MetricSample, samplesOf, scrape } from '../harness/metrics-text.js';
import { promtoolCheckMetrics } from '../harness/promtool.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * The built agent running continuously, as the DaemonSet runs it: /healthz and /metrics on a loopback
 * port, a pino JSON log on stdout, findings raised and cleared as a real fault (the kubelet fake hanging)
 * comes and goes, a clean SIGTERM, and a clear failure when its port is taken.
 */

const INTERVAL = '500ms';
const PROBE_TIMEOUT = '1s';
/** A few cycles: enough for two failed probes in a row (probe timeout plus interval each) and more. */
const FAULT_TIMEOUT_MS = 20_000;
/** SIGTERM waits for the cycle in flight (bounded by the probe timeout) and closes the listener. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 20_000;
const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Where a continuously running agent's child is killed if the test dies before its own cleanup. */
const running = new Set<RunningAgent>();
process.once('exit', () => {
  for (const agent of running) agent.child.kill('SIGKILL');
});

async function meminfoTotalBytes(): Promise<number> {
  const match = /^MemTotal:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'));
  if (!match) throw new Error('/proc/meminfo has no MemTotal');
  return Number(match[1]) * 1024;
}

function value(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}) {
  const found = samplesOf(samples, name, labels);
  return found.length === 1 ? found[0]?.value : undefined;
}

/** The first log line `msg` ("finding raised", "finding cleared") about `cause`, once the agent logs it. */
function firstFindingLine(agent: RunningAgent, msg: string, cause: string): Promise<Record<string, unknown>> {
  return waitFor(
    `a "${msg}" line for ${cause}`,
    () =>
      agent.logLines().find((line) => {
        const finding = line.finding as { cause?: unknown } | undefined;
        return line.msg === msg && finding?.cause === cause;
      }),
    { timeoutMs: FAULT_TIMEOUT_MS },
  );
}

describe.skipIf(requires({ commands: ['promtool'] }))('continuous mode', () => {
  let kubelet: FakeEndpoint;
  let agent: RunningAgent;
  let origin: string;

  beforeAll(async () => {
    kubelet = await startFakeEndpoint(KUBELET_HEALTHY);
    agent = await startAgent([
      '--interval',
      INTERVAL,
      '--kubelet-healthz-url',
      `${kubelet.origin}/healthz`,
      '--probe-timeout',
      PROBE_TIMEOUT,
      '--disk-path',
      '/=rootfs',
    ]);
    running.add(agent);
    origin = new URL(agent.metricsUrl).origin;
    // The first cycle has landed once the kubelet reads ok.
    await waitFor('the first cycle on /metrics', async () => {
      const { samples } = await scrape(agent.metricsUrl);
      return value(samples, 'nodedoc_signal_state', { signal: 'kubelet', state: 'ok' }) === 1
        ? true
        : undefined;
    });
  });

  afterAll(async () => {
    if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
    running.delete(agent);
    await kubelet.close();
  });

  it('/healthz answers 200', async () => {
    const response = await fetch(`${origin}/healthz`);
    expect(response.status).toBe(200);
    expect((await response.text()).trim()).toBe('ok');
  });

  it('/metrics has agent info, memory and one-hot signal states, agreeing with the host', async () => {
    const { samples } = await scrape(agent.metricsUrl);
    const info = samplesOf(samples, 'nodedoc_agent_info');
    expect(info).toHaveLength(1);
    expect(info[0]?.value).toBe(1);
    expect(info[0]?.labels.node).toBe(process.env.NODE_NAME ?? hostname());
    expect(value(samples, 'nodedoc_memory_total_bytes')).toBe(await meminfoTotalBytes());
    const available = value(samples, 'nodedoc_memory_available_bytes');
    expect(available).toBeGreaterThan(0);
    expect(available).toBeLessThanOrEqual(await meminfoTotalBytes());
    for (const signal of SIGNAL_NAMES) {
      const states = samplesOf(samples, 'nodedoc_signal_state', { signal });
      expect(states.map((sample) => sample.labels.state).sort()).toEqual([
        'absent',
        'down',
        'ok',
        'unavailable',
      ]);
      expect(
        states.filter((sample) => sample.value === 1),
        signal,
      ).toHaveLength(1);
    }
    expect(value(samples, 'nodedoc_kubelet_up')).toBe(1);
  });

  it('/metrics passes promtool check metrics', async () => {
    const { text } = await scrape(agent.metricsUrl);
    const verdict = await promtoolCheckMetrics(text);
    expect(verdict.problems).toEqual([]);
    expect(verdict.code).toBe(0);
  });

  it('answers 404 to an unknown path and 405 to a POST', async () => {
    const unknown = await fetch(`${origin}/no-such-path`);
    expect(unknown.status).toBe(404);
    const post = await fetch(agent.metricsUrl, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('logs "finding raised" when the kubelet stops answering and "finding cleared" when it is back', async () => {
    kubelet.behave({ kind: 'hang' });
    const raised = await firstFindingLine(agent, 'finding raised', 'kubelet-down');
    expect(raised.level).toBe('warn');
    expect(raised.finding).toMatchObject({ check: 'kubelet-health', severity: 'critical' });
    const during = (await scrape(agent.metricsUrl)).samples;
    expect(
      value(during, 'nodedoc_finding', {
        check: 'kubelet-health',
        cause: 'kubelet-down',
        severity: 'critical',
      }),
    ).toBe(1);
    expect(value(during, 'nodedoc_kubelet_up')).toBe(0);
    expect(value(during, 'nodedoc_signal_state', { signal: 'kubelet', state: 'down' })).toBe(1);

    kubelet.behave(KUBELET_HEALTHY);
    const cleared = await firstFindingLine(agent, 'finding cleared', 'kubelet-down');
    expect(cleared.level).toBe('info');
    const lines = agent.logLines();
    expect(lines.indexOf(cleared)).toBeGreaterThan(lines.indexOf(raised));
    const after = (await scrape(agent.metricsUrl)).samples;
    expect(samplesOf(after, 'nodedoc_finding', { cause: 'kubelet-down' })).toEqual([]);
    expect(value(after, 'nodedoc_kubelet_up')).toBe(1);
  });

  it('a second agent on the same metrics port exits 1 with a clear log line', async () => {
    const address = new URL(agent.metricsUrl).host;
    const child = spawn(process.execPath, [AGENT_BIN, '--metrics-listen', address], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    expect(code, stdout).toBe(1);
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = lines.find((line) => line.msg === 'cannot serve metrics');
    expect(failure?.level).toBe('error');
    expect(failure?.listen).toBe(address);
    expect(JSON.stringify(failure?.err)).toContain('EADDRINUSE');
  });

  it('writes one JSON object per stdout line with level, time and msg', () => {
    const lines = agent.logLines();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      expect(line).not.toHaveProperty('unparsed');
      expect(PINO_LEVELS).toContain(line.level);
      expect(typeof line.time).toBe('string');
      expect(Number.isNaN(Date.parse(line.time as string))).toBe(false);
      expect(typeof line.msg).toBe('string');
    }
    expect(lines[0]?.msg).toBe('agent started');
  });

  it('SIGTERM stops it with exit code 0 and a "stopped" line', async () => {
    agent.child.kill('SIGTERM');
    const code = await waitFor(
      'the agent to exit after SIGTERM',
      () => agent.child.exitCode ?? (agent.child.signalCode ? -1 : undefined),
      { timeoutMs: SHUTDOWN_TIMEOUT_MS },
    );
    expect(code).toBe(0);
    const messages = agent.logLines().map((line) => line.msg);
    expect(messages).toContain('shutting down');
    expect(messages.at(-1)).toBe('stopped');
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
  });
});
