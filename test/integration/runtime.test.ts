import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import {
  agentOnce,
  findingsFor,
  onlyFinding,
  type RunningAgent,
  startAgent,
} from '../harness/agent-process.js';
import { type Containerd, startContainerd } from '../harness/containerd.js';
import { type MetricSample, samplesOf, scrape } from '../harness/metrics-text.js';
import { promtoolCheckMetrics } from '../harness/promtool.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * The container-runtime check against a REAL containerd (Debian's 1.6) that the test starts with its
 * own root, state and socket under a temp dir and an EMPTY CNI conf_dir, as on a node whose CNI plugin
 * has not installed its config yet. The agent is the built binary, run as users run it.
 */

/** The default runtime-failures threshold. */
const RUNTIME_FAILURES = 2;
/** --once samples twice, and each cycle's failed call (failing at once here) is asked again: four in a row. */
const FAST_FAILURE_ATTEMPTS = 4;
const PROBE_TIMEOUT = '2s';
/** What containerd 1.6's CRI plugin says without a CNI config (pkg/cri/server/status.go). */
const CONTAINERD_NETWORK_REASON = 'NetworkPluginNotReady';
const CONTAINERD_NETWORK_MESSAGE = 'cni plugin not initialized';

function criArgs(containerd: Containerd): string[] {
  return ['--cri-socket', containerd.socket, '--probe-timeout', PROBE_TIMEOUT];
}

function runtimeOf(report: AgentReport) {
  return report.samples.runtime;
}

/** Processes whose command line mentions the path (read from /proc, no ps parsing). */
function processesMentioning(path: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

function seriesValues(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}) {
  return samplesOf(samples, name, labels).map((sample) => sample.value);
}

describe.skipIf(requires({ root: true, commands: ['containerd', 'promtool'] }))(
  'container runtime over CRI against a real containerd',
  () => {
    let containerd: Containerd | undefined;
    let agent: RunningAgent | undefined;
    afterEach(async () => {
      await agent?.stop();
      agent = undefined;
      await containerd?.destroy();
      containerd = undefined;
    });

    it("a running containerd without CNI config: runtime ok, and cni-not-ready with containerd's own reason", async () => {
      containerd = await startContainerd();
      const report = await agentOnce(criArgs(containerd));
      const runtime = runtimeOf(report);
      expect(runtime).toMatchObject({
        status: 'ok',
        socket: containerd.socket,
        apiVersion: 'v1',
        runtimeReady: true,
        networkReady: false,
        consecutiveFailures: 0,
      });
      if (runtime.status !== 'ok') throw new Error('unreachable');
      expect(runtime.latencySeconds).toBeGreaterThan(0);
      expect(runtime.conditions.find((c) => c.type === 'RuntimeReady')?.status).toBe(true);
      const network = runtime.conditions.find((c) => c.type === 'NetworkReady');
      expect(network?.status).toBe(false);
      expect(network?.reason).toBe(CONTAINERD_NETWORK_REASON);
      expect(network?.message).toContain(CONTAINERD_NETWORK_MESSAGE);

      const finding = onlyFinding(report, 'cni-not-ready');
      expect(finding).toMatchObject({ check: 'runtime-network', severity: 'critical' });
      expect(finding.summary).toContain(`${CONTAINERD_NETWORK_REASON}: ${network?.message}`);
      expect(findingsFor(report, 'container-runtime-down')).toEqual([]);
    });

    it('containerd stopped: container-runtime-down after two failed calls, and no cni-not-ready', async () => {
      containerd = await startContainerd();
      // The premise: this containerd answered a moment ago.
      expect(runtimeOf(await agentOnce(criArgs(containerd))).status).toBe('ok');
      await containerd.stop('SIGTERM');
      expect(existsSync(containerd.socket)).toBe(false);

      const report = await agentOnce(criArgs(containerd));
      const runtime = runtimeOf(report);
      expect(runtime).toMatchObject({
        status: 'down',
        socket: containerd.socket,
        consecutiveFailures: FAST_FAILURE_ATTEMPTS,
        retried: true,
      });
      expect(runtime.status === 'down' && runtime.reason).toBe(`${containerd.socket}: no such file`);
      const finding = onlyFinding(report, 'container-runtime-down');
      expect(finding).toMatchObject({
        check: 'runtime-status',
        severity: 'critical',
        value: FAST_FAILURE_ATTEMPTS,
        threshold: RUNTIME_FAILURES,
      });
      expect(finding.summary).toContain(containerd.socket);
      expect(findingsFor(report, 'cni-not-ready')).toEqual([]);
    });

    it('containerd killed (its socket left behind): down with ECONNREFUSED', async () => {
      containerd = await startContainerd();
      await containerd.stop('SIGKILL');
      expect(existsSync(containerd.socket)).toBe(true);
      const report = await agentOnce(criArgs(containerd));
      const runtime = runtimeOf(report);
      expect(runtime).toMatchObject({ status: 'down', consecutiveFailures: FAST_FAILURE_ATTEMPTS });
      expect(runtime.status === 'down' && runtime.reason).toMatch(/^UNAVAILABLE: .*ECONNREFUSED/);
      expect(findingsFor(report, 'container-runtime-down')).toHaveLength(1);
    });

    it('a running agent exports the conditions, turns to container-runtime-down when containerd stops, and recovers on restart', async () => {
      containerd = await startContainerd();
      agent = await startAgent([...criArgs(containerd), '--interval', '500ms']);
      const metricsUrl = agent.metricsUrl;

      const first = await waitFor('the runtime conditions on /metrics', async () => {
        const { samples, text } = await scrape(metricsUrl);
        return seriesValues(samples, 'nodedoc_container_runtime_condition').length > 0
          ? { samples, text }
          : undefined;
      });
      expect(
        seriesValues(first.samples, 'nodedoc_container_runtime_condition', { type: 'RuntimeReady' }),
      ).toEqual([1]);
      expect(
        seriesValues(first.samples, 'nodedoc_container_runtime_condition', { type: 'NetworkReady' }),
      ).toEqual([0]);
      expect(seriesValues(first.samples, 'nodedoc_container_runtime_up')).toEqual([1]);
      expect(seriesValues(first.samples, 'nodedoc_finding', { cause: 'cni-not-ready' })).toEqual([1]);
      const lint = await promtoolCheckMetrics(first.text);
      expect(lint.problems.filter((problem) => problem.includes('container_runtime'))).toEqual([]);

      await containerd.stop('SIGTERM');
      const down = await waitFor('container-runtime-down on /metrics', async () => {
        const { samples } = await scrape(metricsUrl);
        return seriesValues(samples, 'nodedoc_finding', { cause: 'container-runtime-down' }).length > 0
          ? samples
          : undefined;
      });
      expect(seriesValues(down, 'nodedoc_container_runtime_up')).toEqual([0]);
      expect(seriesValues(down, 'nodedoc_container_runtime_condition')).toEqual([]);
      expect(seriesValues(down, 'nodedoc_finding', { cause: 'cni-not-ready' })).toEqual([]);

      // The same long-lived client reconnects to the restarted runtime.
      await containerd.restart();
      const back = await waitFor('the runtime to be up again on /metrics', async () => {
        const { samples } = await scrape(metricsUrl);
        return seriesValues(samples, 'nodedoc_container_runtime_up')[0] === 1 ? samples : undefined;
      });
      expect(seriesValues(back, 'nodedoc_finding', { cause: 'container-runtime-down' })).toEqual([]);
      expect(seriesValues(back, 'nodedoc_finding', { cause: 'cni-not-ready' })).toEqual([1]);
    });

    it('leaves nothing behind: no process, mount or directory of the containerd it started', async () => {
      const started = await startContainerd();
      const { dir } = started;
      expect(processesMentioning(dir)).toHaveLength(1);
      await started.destroy();
      expect(processesMentioning(dir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(dir);
    });
  },
);
