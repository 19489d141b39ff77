import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_FLAGS } from '../../collector/config/collector-flags.js';
import { envName } from '../../common/cli/flag-spec.js';
import { nodeObject, startFakeApiServer } from '../harness/fake-apiserver.js';
import { waitFor } from '../harness/wait-for.js';
import { AgentStream, agentServiceClient, hello, report } from '../unit/collector/agent-client-support.js';

/** The built collector, run as users run it (npm test builds dist/ first). */
const COLLECTOR_BIN = fileURLToPath(new URL('../../dist/collector/main.js', import.meta.url));
const HINT = "Try 'nodedoc-collector --help'.";
/** A stack frame line as Node prints it. */
const STACK_FRAME = /^\s+at /m;

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Running {
  readonly child: ChildProcess;
  readonly grpcTarget: string;
  readonly httpBase: string;
  readonly logs: () => Record<string, unknown>[];
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function spawnCollector(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [COLLECTOR_BIN, ...args], {
    // Off unless a test says otherwise: a CI job running in a pod must not have these collectors post
    // Events to its own cluster.
    env: { ...process.env, NODEDOC_KUBERNETES: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, output: () => ({ stdout, stderr }) };
}

async function runCollector(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const { child, output } = spawnCollector(args, env);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, ...output() };
}

function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Starts the collector on kernel-chosen loopback ports and waits until it serves. */
async function startCollector(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const { child, output } = spawnCollector(
    ['--grpc-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--data-dir', dataDir],
    env,
  );
  const logs = () => logLines(output().stdout);
  const listening = await waitFor(
    'the collector to serve',
    () => {
      if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode}: ${output().stderr}`);
      return logs().some((line) => line.msg === 'store open; serving')
        ? logs().find((line) => line.msg === 'collector listening')
        : undefined;
    },
    { timeoutMs: 20_000 },
    () => output().stderr,
  );
  return {
    child,
    grpcTarget: String(listening.grpc),
    httpBase: `http://${String(listening.http)}`,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

function occupyPort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'nodedoc-collector-cli-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('nodedoc-collector --help and --version', () => {
  it('--help exits 0 and lists every flag with its environment variable', async () => {
    const result = await runCollector(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage:\n {2}nodedoc-collector /);
    for (const spec of COLLECTOR_FLAGS) {
      expect(result.stdout, spec.name).toMatch(new RegExp(`^ {2}--${spec.name}(?: |$)`, 'm'));
      const env = envName(spec);
      if (env) expect(result.stdout, spec.name).toContain(`env ${env}`);
    }
  });

  it('--version prints the package version', async () => {
    const result = await runCollector(['--version']);
    expect(result).toEqual({ code: 0, stdout: 'nodedoc-collector 0.1.0\n', stderr: '' });
  });
});

describe('nodedoc-collector with bad input', () => {
  it.each([
    [['--bogus'], {}, 'unknown flag --bogus'],
    [['stray'], {}, "unexpected argument 'stray'"],
    [['--grpc-listen'], {}, 'flag --grpc-listen needs a value'],
    [['--grpc-listen', 'localhost'], {}, '--grpc-listen localhost: expected HOST:PORT or :PORT'],
    [['--http-listen', ':99999'], {}, '--http-listen :99999: expected HOST:PORT or :PORT'],
    [['--retention', '30s'], {}, '--retention 30s: expected a duration of at least 1m, like 24h or 90m'],
    [
      [],
      { NODEDOC_RETENTION: 'forever' },
      '--retention forever: expected a duration of at least 1m, like 24h or 90m',
    ],
    [
      ['--log-level', 'loud'],
      {},
      '--log-level loud: expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      ['--tls-cert', '/x.pem'],
      {},
      '--tls-cert, --tls-key and --tls-ca go together (mTLS): missing --tls-key, --tls-ca',
    ],
    [
      [
        '--tls-cert',
        '/nonexistent/cert.pem',
        '--tls-key',
        '/nonexistent/key.pem',
        '--tls-ca',
        '/nonexistent/ca.pem',
      ],
      {},
      '--tls-cert /nonexistent/cert.pem: cannot read it (ENOENT)',
    ],
    [
      ['--kubeconfig', '/nonexistent/kubeconfig'],
      { NODEDOC_KUBERNETES: 'auto' },
      '--kubeconfig /nonexistent/kubeconfig: cannot read it as a kubeconfig (ENOENT)',
    ],
    [
      [],
      { NODEDOC_KUBERNETES: 'auto', KUBECONFIG: '/nonexistent/kube' },
      'KUBECONFIG /nonexistent/kube: cannot read it as a kubeconfig (ENOENT)',
    ],
    [['--kubernetes', 'maybe'], {}, '--kubernetes maybe: expected one of auto, off'],
  ])('%j %j → exit 2: %s', async (args, env, message) => {
    const result = await runCollector(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`nodedoc-collector: ${message}\n${HINT}\n`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('nodedoc-collector cannot start', () => {
  it('exits 1 with one clear line when the gRPC port is taken', async () => {
    const taken = await occupyPort();
    try {
      const port = portOf(taken);
      const result = await runCollector([
        '--grpc-listen',
        `127.0.0.1:${port}`,
        '--http-listen',
        '127.0.0.1:0',
        '--data-dir',
        join(scratch, 'grpc-taken'),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `nodedoc-collector: cannot listen for gRPC on 127.0.0.1:${port}: address already in use\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('exits 1 with one clear line when the HTTP port is taken', async () => {
    const taken = await occupyPort();
    try {
      const port = portOf(taken);
      const result = await runCollector([
        '--grpc-listen',
        '127.0.0.1:0',
        '--http-listen',
        `127.0.0.1:${port}`,
        '--data-dir',
        join(scratch, 'http-taken'),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `nodedoc-collector: cannot listen for HTTP on 127.0.0.1:${port}: address already in use\n`,
      );
      expect(logLines(result.stdout).at(-1)).toMatchObject({ level: 'error', msg: 'cannot start' });
    } finally {
      taken.close();
    }
  });

  it('exits 1 naming the database when another collector holds the data directory', async () => {
    const dataDir = join(scratch, 'shared');
    const first = await startCollector(dataDir);
    try {
      const result = await runCollector([
        '--grpc-listen',
        '127.0.0.1:0',
        '--http-listen',
        '127.0.0.1:0',
        '--data-dir',
        dataDir,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^nodedoc-collector: cannot open the store: ${dataDir}/nodedoc\\.(db|lock): .+\\n$`),
      );
      expect(result.stderr).not.toMatch(STACK_FRAME);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});

describe('nodedoc-collector running', () => {
  it('on SIGTERM ends agent streams with UNAVAILABLE, flushes the store and exits 0; a restart keeps what was stored', async () => {
    const dataDir = join(scratch, 'restart');
    const first = await startCollector(dataDir);
    const client = agentServiceClient(first.grpcTarget);
    const stream = new AgentStream(client);
    await stream.hello(hello('survivor'));
    expect(await stream.batch([report(1), report(2)], 2)).toBe('2');

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(await stream.status).toMatchObject({
      code: status.UNAVAILABLE,
      details: 'the collector is shutting down; reconnect and resend what was not acknowledged',
    });
    expect(first.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'stopped']),
    );
    client.close();

    const second = await startCollector(dataDir);
    const response = await fetch(`${second.httpBase}/api/v1/nodes/survivor`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ingest: unknown }).ingest).toEqual({
      received: 2,
      lastSeq: '2',
      gaps: 0,
      duplicates: 0,
    });
    expect(await second.stop('SIGINT')).toBe(0);
  });
});

describe('nodedoc-collector in a cluster', () => {
  it('finds the cluster through KUBECONFIG, lists its Nodes, and stops with exit 0', async () => {
    // The fake API server speaks the real list/watch protocol with recorded Node JSON (test/fixtures/kubernetes/).
    const apiserver = await startFakeApiServer();
    try {
      apiserver.putNode(nodeObject('worker-1', 'pleg'));
      const collector = await startCollector(join(scratch, 'in-cluster'), {
        NODEDOC_KUBERNETES: 'auto',
        KUBECONFIG: apiserver.kubeconfigPath,
      });
      const listed = await waitFor('the Node list', () =>
        collector.logs().find((line) => line.msg === 'kubernetes nodes listed'),
      );
      expect(listed).toMatchObject({ nodes: 1, notReady: 1 });
      expect(collector.logs().find((line) => line.msg === 'node readiness changed')).toMatchObject({
        node: 'worker-1',
        status: 'False',
        reason: 'KubeletNotReady',
      });
      expect(
        collector.logs().find((line) => line.msg === 'watching kubernetes nodes; posting diagnosis events'),
      ).toMatchObject({
        source: apiserver.kubeconfigPath,
        server: apiserver.origin,
      });
      await apiserver.waitForWatches(1);
      expect(await collector.stop()).toBe(0);
    } finally {
      await apiserver.close();
    }
  });
});
