import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Client,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAgent, startAgent } from '../harness/agent-process.js';
import { killOnExit } from '../harness/collector-process.js';
import { collectorSandboxCommand } from '../harness/collector-sandbox.js';
import {
  argValue,
  findObject,
  onlyContainer,
  renderDeploy,
  type Workload,
} from '../harness/deploy-manifests.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * The collector run as deploy/collector-deployment.yaml configures it — its args, non-root uid/gid with
 * fsGroup on the data volume, no capabilities, no privilege escalation, a read-only root with an emptyDir
 * /tmp — answers the gRPC health check its probes make, serves /readyz, and stores what a real agent
 * streams to it on the volume. Only the listen addresses are replaced (loopback, free ports).
 */

/** The collector logs its addresses once the store is open and both servers listen. */
const START_TIMEOUT_MS = 20_000;
const REPORT_TIMEOUT_MS = 20_000;

const objects = renderDeploy();
const deployment = findObject<Workload>(objects, 'Deployment', 'nodedoc-collector');
const container = onlyContainer(deployment);
const pod = deployment.spec.template.spec as Workload['spec']['template']['spec'] & {
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number; runAsNonRoot?: boolean };
};

/** grpc.health.v1.Health/Check, as the kubelet's gRPC probe calls it (service ""). */
function healthCheck(target: string): Promise<{ status: string }> {
  const loaded = loadPackageDefinition(loadSync(healthProtoPath, { keepCase: true, enums: String }));
  const Health = ['grpc', 'health', 'v1', 'Health'].reduce<unknown>(
    (object, part) => (object as GrpcObject)[part],
    loaded,
  ) as ServiceClientConstructor;
  const client = new Health(target, credentials.createInsecure()) as unknown as Client & {
    Check(request: object, callback: (error: Error | null, value: { status: string }) => void): void;
  };
  return new Promise((resolve, reject) => {
    client.Check({ service: '' }, (error, value) => {
      client.close();
      if (error) reject(error);
      else resolve(value);
    });
  });
}

describe.skipIf(requires({ root: true, commands: ['unshare', 'setpriv'] }))(
  'the collector under the Deployment’s security context',
  () => {
    let collector: ChildProcess;
    let agent: RunningAgent | undefined;
    let sandboxDir: string;
    let volumeDir: string;
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let grpcTarget = '';
    let httpBase = '';

    beforeAll(async () => {
      // Outside /tmp, which the sandbox covers with the emptyDir's tmpfs.
      sandboxDir = mkdtempSync('/run/nodedoc-collector-sandbox-');
      chmodSync(sandboxDir, 0o755);
      volumeDir = mkdtempSync(join(tmpdir(), 'nodedoc-collector-volume-'));
      const args = (container.args ?? []).map((arg) =>
        arg.startsWith('--grpc-listen=') || arg.startsWith('--http-listen=')
          ? `${arg.split('=')[0]}=127.0.0.1:0`
          : arg,
      );
      const [file, argv] = collectorSandboxCommand({ container, pod, sandboxDir, volumeDir }, args);
      collector = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      killOnExit(collector);
      let buffered = '';
      collector.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
      });
      collector.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const listening = await waitFor(
        'the sandboxed collector to listen',
        () => {
          if (collector.exitCode !== null)
            throw new Error(`collector exited ${collector.exitCode}: ${stderr}`);
          return lines.find((line) => line.msg === 'collector listening');
        },
        { timeoutMs: START_TIMEOUT_MS },
        () => stderr,
      );
      grpcTarget = String(listening.grpc).replace(/^\[?::\]?|^0\.0\.0\.0/, '127.0.0.1');
      httpBase = `http://${String(listening.http).replace(/^\[?::\]?|^0\.0\.0\.0/, '127.0.0.1')}`;
    });

    afterAll(async () => {
      await agent?.stop();
      if (collector && collector.exitCode === null) {
        collector.kill('SIGKILL');
        await once(collector, 'exit');
      }
      if (sandboxDir) rmSync(sandboxDir, { recursive: true, force: true });
      if (volumeDir) rmSync(volumeDir, { recursive: true, force: true });
    });

    it('runs as the pod’s non-root user with no capabilities', () => {
      const status = readFileSync(`/proc/${collector.pid}/status`, 'utf8');
      const field = (name: string) => new RegExp(`^${name}:\\s+(.+)$`, 'm').exec(status)?.[1]?.split(/\s+/);
      expect(field('Uid')?.[0]).toBe(String(pod.securityContext?.runAsUser));
      expect(field('Gid')?.[0]).toBe(String(pod.securityContext?.runAsGroup));
      expect(field('CapEff')?.[0]).toBe('0000000000000000');
      expect(field('NoNewPrivs')?.[0]).toBe('1');
    });

    it('answers the gRPC health check its probes make, and /readyz', async () => {
      expect(await healthCheck(grpcTarget)).toEqual({ status: 'SERVING' });
      expect((await fetch(`${httpBase}/readyz`)).status).toBe(200);
    });

    it('stores what an agent streams on its volume, owned by its user', async () => {
      agent = await startAgent(['--collector', grpcTarget, '--interval', '500ms'], {
        env: { NODE_NAME: 'node-a' },
      });
      await waitFor(
        'the collector to store two reports from node-a',
        async () => {
          const response = await fetch(`${httpBase}/api/v1/nodes/node-a`);
          if (response.status !== 200) return undefined;
          const body = (await response.json()) as { ingest: { received: number | string } };
          return Number(body.ingest.received) >= 2 ? body : undefined;
        },
        { timeoutMs: REPORT_TIMEOUT_MS },
        () => stderr,
      );
      const files = readdirSync(volumeDir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files)
        expect(statSync(join(volumeDir, file)).uid, file).toBe(pod.securityContext?.runAsUser);
      expect(argValue(container.args ?? [], 'data-dir')).toBe('/var/lib/nodedoc');
    });

    it('exits 0 on SIGTERM', async () => {
      await agent?.stop();
      agent = undefined;
      collector.kill('SIGTERM');
      const [code] = (await once(collector, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    });
  },
);
