import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { runAgent } from '../harness/agent-process.js';
import { agentSandboxCommand } from '../harness/agent-sandbox.js';
import { CollectorProcess, killOnExit } from '../harness/collector-process.js';
import {
  argValue,
  findObject,
  onlyContainer,
  renderDeploy,
  type Workload,
} from '../harness/deploy-manifests.js';
import { samplesOf, scrape } from '../harness/metrics-text.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * The agent run exactly as deploy/agent-daemonset.yaml configures it — its args, its hostPath mounts
 * (read-only where the manifest says), a read-only root filesystem, uid 0 with every capability dropped but
 * the ones the manifest adds, no privilege escalation, the host network — streaming to a real collector.
 * It proves the security context is enough: every signal reads what it reads outside the sandbox, the
 * kernel log included, and the spool (the one writable mount) is written. A control run without SYSLOG
 * shows the one added capability is needed where kernel.dmesg_restrict=1.
 *
 * The cluster-specific values are replaced: --collector (a collector on loopback), --metrics-listen (a free
 * loopback port, not :9101) and the spool's hostPath (a temp directory, not /var/lib/nodedoc).
 */

const NODE_NAME = 'sandbox-node';
/** A collector report needs a cycle; the DaemonSet's interval is the default 10 s. */
const REPORT_TIMEOUT_MS = 40_000;
/** pino's numeric level of "error". */
const PINO_ERROR = 50;

const objects = renderDeploy();
const daemonSet = findObject<Workload>(objects, 'DaemonSet', 'nodedoc-agent');
const container = onlyContainer(daemonSet);
const pod = daemonSet.spec.template.spec;
const spoolHostPath = pod.volumes?.find((volume) => volume.name === 'spool')?.hostPath?.path ?? '';
const dmesgRestricted = (() => {
  try {
    return readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim() === '1';
  } catch {
    return false;
  }
})();

/** The manifest's args with one flag's value replaced (or removed with `undefined`). */
function withArg(args: readonly string[], flag: string, value: string | undefined): string[] {
  const kept = args.filter((arg) => arg !== `--${flag}` && !arg.startsWith(`--${flag}=`));
  return value === undefined ? kept : [...kept, `--${flag}=${value}`];
}

/** Signal name → status of a --once --json report. */
function statuses(report: AgentReport): Record<string, string> {
  return Object.fromEntries(
    Object.entries(report.samples as unknown as Record<string, { status: string }>).map(([name, sample]) => [
      name,
      sample.status,
    ]),
  );
}

describe.skipIf(requires({ root: true, commands: ['unshare', 'setpriv', 'mountpoint'] }))(
  'the agent under the DaemonSet’s security context',
  () => {
    let collector: CollectorProcess;
    let agent: ChildProcess;
    let sandboxDir: string;
    let spoolDir: string;
    const lines: Record<string, unknown>[] = [];
    let stderr = '';

    /** Runs `--once --json` in a fresh sandbox (optionally with other capabilities) and parses the report. */
    async function sandboxedOnce(capabilitiesOverride?: readonly string[]): Promise<AgentReport> {
      const dir = mkdtempSync(join(tmpdir(), 'nodedoc-sandbox-once-'));
      const spool = mkdtempSync(join(tmpdir(), 'nodedoc-spool-once-'));
      try {
        const args = [...withArg(container.args ?? [], 'collector', undefined), '--once', '--json'];
        const [file, argv] = agentSandboxCommand(
          {
            container,
            pod,
            sandboxDir: dir,
            hostPathOverrides: { [spoolHostPath]: spool },
            capabilitiesOverride,
          },
          args,
        );
        const child = spawn(file, argv, {
          env: { ...process.env, NODE_NAME },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
        });
        const [code] = (await once(child, 'exit')) as [number | null];
        if (code !== 0) throw new Error(`sandboxed agent exited ${code}: ${err}`);
        return JSON.parse(out) as AgentReport;
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(spool, { recursive: true, force: true });
      }
    }

    beforeAll(async () => {
      collector = await CollectorProcess.start();
      sandboxDir = mkdtempSync(join(tmpdir(), 'nodedoc-sandbox-'));
      spoolDir = mkdtempSync(join(tmpdir(), 'nodedoc-spool-'));
      let args = withArg(container.args ?? [], 'collector', `127.0.0.1:${collector.grpcPort}`);
      args = withArg(args, 'metrics-listen', '127.0.0.1:0');
      const [file, argv] = agentSandboxCommand(
        { container, pod, sandboxDir, hostPathOverrides: { [spoolHostPath]: spoolDir } },
        args,
      );
      agent = spawn(file, argv, { env: { ...process.env, NODE_NAME }, stdio: ['ignore', 'pipe', 'pipe'] });
      killOnExit(agent);
      let buffered = '';
      agent.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
      });
      agent.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
    });

    afterAll(async () => {
      if (agent && agent.exitCode === null) {
        agent.kill('SIGKILL');
        await once(agent, 'exit');
      }
      await collector?.dispose();
      if (sandboxDir) rmSync(sandboxDir, { recursive: true, force: true });
      if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
    });

    it('uses the manifest’s host root and spool paths', () => {
      expect(argValue(container.args ?? [], 'host-root')).toBe('/host');
      expect(spoolHostPath).toBe('/var/lib/nodedoc');
    });

    it('streams to the collector under its node name, serving /healthz and /metrics', async () => {
      const started = await waitFor(
        'the sandboxed agent to log "agent started"',
        () => {
          if (agent.exitCode !== null) throw new Error(`agent exited ${agent.exitCode}: ${stderr}`);
          return lines.find((line) => line.msg === 'agent started');
        },
        { timeoutMs: 20_000 },
        () => stderr,
      );
      const base = `http://${String(started.metrics)}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      const node = await waitFor(
        `the collector to store two reports from ${NODE_NAME}`,
        async () => {
          const detail = await collector.node(NODE_NAME);
          return detail && Number(detail.ingest.received) >= 2 ? detail : undefined;
        },
        { timeoutMs: REPORT_TIMEOUT_MS },
        () => stderr,
      );
      expect(node.node).toBe(NODE_NAME);

      const { samples } = await scrape(`${base}/metrics`);
      for (const signal of ['cpu', 'memory', 'disk', 'io', 'processes', 'kernel', 'identity']) {
        expect(samplesOf(samples, 'nodedoc_signal_state', { signal, state: 'ok' })[0]?.value, signal).toBe(1);
      }
      expect(samplesOf(samples, 'nodedoc_agent_link_up')[0]?.value).toBe(1);
    });

    it('writes only its spool (the read-only root and host mounts refuse everything else)', () => {
      expect(readdirSync(spoolDir).length).toBeGreaterThan(0);
      const errors = lines.filter((line) => Number(line.level) >= PINO_ERROR);
      expect(errors).toEqual([]);
    });

    it('exits 0 on SIGTERM', async () => {
      agent.kill('SIGTERM');
      const [code] = (await once(agent, 'exit')) as [number | null];
      expect(code).toBe(0);
    });

    it('sees through its mounts what it sees on the host itself', async () => {
      const outside = await runAgent(['--once', '--json'], { env: { NODE_NAME } });
      expect(outside.code).toBe(0);
      const inside = await sandboxedOnce();
      expect(statuses(inside)).toEqual(statuses(JSON.parse(outside.stdout) as AgentReport));
      expect(statuses(inside).kernel).toBe('ok');
    });

    it('needs SYSLOG for the kernel log exactly where kernel.dmesg_restrict=1 (control run without it)', async () => {
      const report = await sandboxedOnce([]);
      expect(statuses(report).kernel).toBe(dmesgRestricted ? 'unavailable' : 'ok');
      expect(statuses(report).memory).toBe('ok');
    });
  },
);
