import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRI_API_VERSIONS, type CriApiVersion } from '../../../agent/cri/api-versions.js';
import { RUNTIME_READY } from '../../../agent/cri/runtime-conditions.js';
import { WELL_KNOWN_CRI_SOCKETS } from '../../../agent/cri/socket-discovery.js';
import { loadStatusMethods } from '../../../agent/cri/status-methods.js';
import type { RetryClock } from '../../../agent/probes/probe-retry.js';
import type { RuntimeCondition } from '../../../agent/sample-types.js';
import { createRuntimeSignal, NO_RUNTIME_SOCKET_REASON } from '../../../agent/signals/runtime.js';
import type { Signal } from '../../../agent/signals/signal.js';
import { contextFor } from '../../harness/samples.js';
import { waitFor } from '../../harness/wait-for.js';
import { NETWORK_OK, NO_CNI, READY } from './runtime-test-support.js';

/**
 * The runtime signal against real gRPC over unix sockets: a grpc-js server in this process implements
 * RuntimeService/Status from the same proto/cri files (v1, v1alpha2 or both) and answers, fails or
 * hangs as each test asks. The wire format itself is checked against containerd's captured bytes in
 * runtime-conditions.test.ts and against a live containerd in test/integration/runtime.test.ts.
 */

/** Short, so the hanging-server tests take a fraction of a second per probe. */
const PROBE_TIMEOUT_MS = 300;
const CONTAINERD_SOCKET = WELL_KNOWN_CRI_SOCKETS[0];

type Behaviour =
  | { readonly kind: 'answer'; readonly conditions: RuntimeCondition[] }
  | { readonly kind: 'hang' };

interface FakeRuntime {
  /** CRI versions asked, in order. */
  readonly calls: CriApiVersion[];
  behave(behaviour: Behaviour): void;
  stop(): Promise<void>;
}

/** A CRI runtime serving Status in the given versions on a unix socket (others answer UNIMPLEMENTED). */
async function startFakeRuntime(
  socket: string,
  versions: readonly CriApiVersion[] = ['v1'],
  initial: Behaviour = { kind: 'answer', conditions: [READY, NETWORK_OK] },
): Promise<FakeRuntime> {
  const methods = await loadStatusMethods();
  const server = new Server();
  const calls: CriApiVersion[] = [];
  let behaviour = initial;
  for (const version of versions) {
    const service = { Status: methods[version] } as unknown as ServiceDefinition;
    server.addService(service, {
      Status(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
        calls.push(version);
        if (behaviour.kind === 'answer') callback(null, { status: { conditions: behaviour.conditions } });
        // 'hang': never call back; the client's deadline has to end it.
      },
    });
  }
  mkdirSync(dirname(socket), { recursive: true });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return {
    calls,
    behave(next) {
      behaviour = next;
    },
    async stop() {
      server.forceShutdown();
      rmSync(socket, { force: true });
    },
  };
}

/**
 * A byte-level unix-socket relay in front of a runtime, counting the connections clients open: how a
 * test sees that the signal keeps one channel rather than connecting per cycle.
 */
async function startCountingRelay(front: string, back: string) {
  const clients = new Set<Socket>();
  let accepted = 0;
  const relay: NetServer = createServer((client) => {
    accepted += 1;
    clients.add(client);
    const upstream = connect(back);
    const end = () => {
      client.destroy();
      upstream.destroy();
      clients.delete(client);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(front, resolve));
  return {
    accepted: () => accepted,
    open: () => clients.size,
    async close() {
      for (const client of clients) client.destroy();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}

const fakes: FakeRuntime[] = [];
const signals: Signal<'runtime'>[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nodedoc-cri-'));
});

afterEach(async () => {
  for (const signal of signals.splice(0)) await signal.close?.();
  for (const fake of fakes.splice(0)) await fake.stop();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** A fake runtime on a host path under the test's root. */
async function fake(hostPath: string, versions?: readonly CriApiVersion[], initial?: Behaviour) {
  const runtime = await startFakeRuntime(join(root, hostPath), versions, initial);
  fakes.push(runtime);
  return runtime;
}

/** The signal as the agent makes it, from real flags, with --host-root at the test's temp root. */
/**
 * The in-cycle retry's pause goes through this clock, which never waits: `onSleep` is where a test
 * changes what the runtime answers to the retry.
 */
function noWaitClock(onSleep: () => void = () => {}): RetryClock {
  return { now: () => 0, sleep: async () => onSleep() };
}

function runtimeSignal(args: readonly string[] = [], clock: RetryClock = noWaitClock()): Signal<'runtime'> {
  const signal = createRuntimeSignal(
    contextFor(root, ['--probe-timeout', `${PROBE_TIMEOUT_MS}ms`, ...args]),
    clock,
  );
  signals.push(signal);
  return signal;
}

describe('runtime signal over real gRPC on a unix socket', () => {
  it('a v1 runtime: ok with its conditions, apiVersion v1 and a latency', async () => {
    const runtime = await fake('/cri.sock');
    const reading = await runtimeSignal(['--cri-socket', '/cri.sock']).sample();
    expect(reading).toMatchObject({
      status: 'ok',
      socket: '/cri.sock',
      apiVersion: 'v1',
      conditions: [READY, NETWORK_OK],
      runtimeReady: true,
      networkReady: true,
      consecutiveFailures: 0,
    });
    expect(reading.status === 'ok' && reading.latencySeconds).toBeGreaterThan(0);
    expect(runtime.calls).toEqual(['v1']);
  });

  it('a runtime serving both versions is asked v1 only', async () => {
    const runtime = await fake('/cri.sock', CRI_API_VERSIONS);
    const signal = runtimeSignal(['--cri-socket', '/cri.sock']);
    await signal.sample();
    await signal.sample();
    expect(runtime.calls).toEqual(['v1', 'v1']);
  });

  it('a v1alpha2-only runtime: v1 answers UNIMPLEMENTED, v1alpha2 answers, and is asked first next time', async () => {
    const runtime = await fake('/cri.sock', ['v1alpha2']);
    const signal = runtimeSignal(['--cri-socket', '/cri.sock']);
    expect(await signal.sample()).toMatchObject({ status: 'ok', apiVersion: 'v1alpha2', runtimeReady: true });
    expect(await signal.sample()).toMatchObject({ status: 'ok', apiVersion: 'v1alpha2' });
    expect(runtime.calls).toEqual(['v1alpha2', 'v1alpha2']);
  });

  it('RuntimeReady=false comes through with its reason', async () => {
    const notReady = {
      type: RUNTIME_READY,
      status: false,
      reason: 'ContainerdNotReady',
      message: 'shim failed',
    };
    await fake('/cri.sock', ['v1'], { kind: 'answer', conditions: [notReady, NETWORK_OK] });
    const reading = await runtimeSignal(['--cri-socket', '/cri.sock']).sample();
    expect(reading).toMatchObject({
      status: 'ok',
      runtimeReady: false,
      networkReady: true,
      conditions: [notReady, NETWORK_OK],
    });
  });

  it('NetworkReady=false comes through with reason and message', async () => {
    await fake('/cri.sock', ['v1'], { kind: 'answer', conditions: [READY, NO_CNI] });
    const reading = await runtimeSignal(['--cri-socket', '/cri.sock']).sample();
    expect(reading).toMatchObject({
      status: 'ok',
      runtimeReady: true,
      networkReady: false,
      conditions: [READY, NO_CNI],
    });
  });

  it('a runtime that never answers is down at the deadline in the first cycle (call and its retry), and ok once it answers', async () => {
    const runtime = await fake('/cri.sock', ['v1'], { kind: 'hang' });
    const signal = runtimeSignal(['--cri-socket', '/cri.sock']);
    const first = await signal.sample();
    expect(first).toMatchObject({
      status: 'down',
      socket: '/cri.sock',
      consecutiveFailures: 2,
      retried: true,
      latencySeconds: null,
      failure: 'timeout',
    });
    expect(first.status === 'down' && first.reason).toBe(
      `no answer to RuntimeService/Status within ${PROBE_TIMEOUT_MS}ms (DEADLINE_EXCEEDED)`,
    );
    expect(await signal.sample()).toMatchObject({ status: 'down', consecutiveFailures: 4 });
    // The calls reached the runtime: this is a hung runtime, not a missing one.
    expect(runtime.calls).toEqual(['v1', 'v1', 'v1', 'v1']);
    runtime.behave({ kind: 'answer', conditions: [READY, NETWORK_OK] });
    expect(await signal.sample()).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
  });

  it('a runtime that misses one call and answers the retry stays ok, marked retried', async () => {
    const runtime = await fake('/cri.sock', ['v1'], { kind: 'hang' });
    const answer = () => runtime.behave({ kind: 'answer', conditions: [READY, NETWORK_OK] });
    const signal = runtimeSignal(['--cri-socket', '/cri.sock'], noWaitClock(answer));
    const reading = await signal.sample();
    expect(reading).toMatchObject({
      status: 'ok',
      consecutiveFailures: 0,
      retried: true,
      runtimeReady: true,
    });
    expect(runtime.calls).toEqual(['v1', 'v1']);
    const next = await signal.sample();
    expect(next).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
    expect(next.status === 'ok' && next.retried).toBeUndefined();
    expect(runtime.calls).toEqual(['v1', 'v1', 'v1']);
  });

  it('a found socket that is removed is down (not absent), and ok again when the runtime is back', async () => {
    const runtime = await fake(CONTAINERD_SOCKET);
    const signal = runtimeSignal();
    expect(await signal.sample()).toMatchObject({ status: 'ok', socket: CONTAINERD_SOCKET });
    await runtime.stop();
    const gone = await signal.sample();
    expect(gone).toMatchObject({ status: 'down', socket: CONTAINERD_SOCKET, consecutiveFailures: 2 });
    expect(gone.status === 'down' && gone.reason).toBe(`${join(root, CONTAINERD_SOCKET)}: no such file`);
    expect(await signal.sample()).toMatchObject({ status: 'down', consecutiveFailures: 4 });
    await fake(CONTAINERD_SOCKET);
    const back = await waitFor('the runtime to answer again', async () => {
      const reading = await signal.sample();
      return reading.status === 'ok' ? reading : undefined;
    });
    expect(back).toMatchObject({ apiVersion: 'v1', consecutiveFailures: 0 });
  });

  it('keeps one connection over many cycles, and close() closes it', async () => {
    await fake('/backend.sock');
    const relay = await startCountingRelay(join(root, 'cri.sock'), join(root, 'backend.sock'));
    cleanups.push(() => relay.close());
    const signal = runtimeSignal(['--cri-socket', '/cri.sock']);
    for (let cycle = 0; cycle < 5; cycle += 1) expect((await signal.sample()).status).toBe('ok');
    expect(relay.accepted()).toBe(1);
    expect(relay.open()).toBe(1);
    await signal.close?.();
    await waitFor('the channel to close', () => (relay.open() === 0 ? true : undefined), {
      timeoutMs: 5_000,
    });
  });

  it('with no socket anywhere and none configured it is absent, and picks up a socket that appears later', async () => {
    const signal = runtimeSignal(['--rediscover-interval', '0s']);
    expect(await signal.sample()).toEqual({ status: 'absent', reason: NO_RUNTIME_SOCKET_REASON });
    expect(NO_RUNTIME_SOCKET_REASON.startsWith('no container runtime socket on this host')).toBe(true);
    await fake(WELL_KNOWN_CRI_SOCKETS[2]);
    expect(await signal.sample()).toMatchObject({ status: 'ok', socket: WELL_KNOWN_CRI_SOCKETS[2] });
  });

  it('looks for a runtime socket again only after --rediscover-interval while it is absent', async () => {
    const signal = runtimeSignal(['--rediscover-interval', '1h']);
    expect(await signal.sample()).toEqual({ status: 'absent', reason: NO_RUNTIME_SOCKET_REASON });
    await fake(WELL_KNOWN_CRI_SOCKETS[0]);
    expect(await signal.sample()).toEqual({ status: 'absent', reason: NO_RUNTIME_SOCKET_REASON });
  });

  it('a configured socket that does not exist is down from the first cycle', async () => {
    const reading = await runtimeSignal(['--cri-socket', '/run/missing.sock']).sample();
    expect(reading).toMatchObject({
      status: 'down',
      socket: '/run/missing.sock',
      consecutiveFailures: 2,
      failure: 'refused',
    });
    expect(reading.status === 'down' && reading.reason).toBe(
      `${join(root, 'run/missing.sock')}: no such file`,
    );
  });

  it('accepts the kubelet endpoint form unix:///path', async () => {
    await fake('/cri.sock');
    const reading = await runtimeSignal(['--cri-socket', 'unix:///cri.sock']).sample();
    expect(reading).toMatchObject({ status: 'ok', socket: '/cri.sock' });
  });

  it('a configured path that is not a socket is down, naming the problem', async () => {
    writeFileSync(join(root, 'cri.sock'), 'not a socket');
    const reading = await runtimeSignal(['--cri-socket', '/cri.sock']).sample();
    expect(reading.status === 'down' && reading.reason).toBe(`${join(root, 'cri.sock')}: not a unix socket`);
  });

  it("a found gRPC server without CRI (Docker's containerd) is absent; a configured one is down", async () => {
    await fake(CONTAINERD_SOCKET, []);
    const found = await runtimeSignal().sample();
    expect(found.status).toBe('absent');
    expect(found.status === 'absent' && found.reason).toBe(
      `${CONTAINERD_SOCKET} is not a CRI runtime: it serves neither runtime.v1 nor runtime.v1alpha2 RuntimeService/Status (UNIMPLEMENTED)`,
    );
    const named = await runtimeSignal(['--cri-socket', CONTAINERD_SOCKET]).sample();
    expect(named).toMatchObject({ status: 'down', consecutiveFailures: 2 });
    expect(named.status === 'down' && named.reason).toContain('(UNIMPLEMENTED)');
  });

  it('a stale socket nobody listens on (a SIGKILLed runtime) is down with ECONNREFUSED', async () => {
    const path = join(root, 'cri.sock');
    // A process that listens and is killed without unlinking its socket, as a crashed runtime does.
    const listener = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(path)})`,
    ]);
    cleanups.push(async () => listener.kill('SIGKILL'));
    await waitFor('the listener socket', () => (existsSync(path) ? true : undefined), { timeoutMs: 10_000 });
    listener.kill('SIGKILL');
    await once(listener, 'exit');
    expect(existsSync(path)).toBe(true);
    const reading = await runtimeSignal(['--cri-socket', '/cri.sock']).sample();
    expect(reading).toMatchObject({ status: 'down', consecutiveFailures: 2 });
    expect(reading.status === 'down' && reading.reason).toMatch(/^UNAVAILABLE: .*ECONNREFUSED/);
  });
});
