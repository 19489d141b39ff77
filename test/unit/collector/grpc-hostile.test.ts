import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListNodesResponse__Output } from '../../../proto/gen/nodedoc/v1/ListNodesResponse.js';
import { waitFor } from '../../harness/wait-for.js';
import {
  AgentStream,
  agentServiceClient,
  hello,
  queryServiceClient,
  report,
} from './agent-client-support.js';
import { startTestCollector, type TestCollector } from './collector-test-support.js';

/** Short enough to watch in a test; production waits IDLE_CONNECTION_MS. */
const IDLE_MS = 300;
const IDLE_CONNECTIONS = 1_000;

let harness: TestCollector;

beforeAll(async () => {
  harness = await startTestCollector({ hooks: { idleConnectionMs: IDLE_MS } });
  await harness.collector.serving;
});

afterAll(() => harness.cleanup());

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    // Read (and drop) whatever the server sends, so its FIN is seen and the socket closes.
    socket.resume();
    socket.once('error', reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

async function listNodes(): Promise<string[]> {
  const query = queryServiceClient(harness.grpcTarget);
  try {
    const response = await new Promise<ListNodesResponse__Output>((resolve, reject) =>
      query.listNodes({}, (error: ServiceError | null, value?: ListNodesResponse__Output) =>
        error || !value ? reject(error) : resolve(value),
      ),
    );
    return response.nodes.map((node) => node.node);
  } finally {
    query.close();
  }
}

describe('hostile clients on the gRPC port', () => {
  it('drops a connection that sends random bytes, and keeps serving an agent streaming meanwhile', async () => {
    const stream = new AgentStream(agentServiceClient(harness.grpcTarget));
    await stream.hello(hello('steady'));
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const socket = await openSocket(harness.collector.grpcPort);
      socket.on('error', () => undefined);
      socket.write(randomBytes(4096));
      await closed(socket);
    }
    expect(await stream.batch([report(1)], 2)).toBe('1');
    expect(await listNodes()).toEqual(['steady']);
    stream.end();
  });

  it(`closes ${IDLE_CONNECTIONS} connections that never open a call, and answers others while they are open`, async () => {
    const sockets = await Promise.all(
      Array.from({ length: IDLE_CONNECTIONS }, () => openSocket(harness.collector.grpcPort)),
    );
    for (const socket of sockets) socket.on('error', () => undefined);
    expect(await listNodes()).toEqual(['steady']);
    await waitFor(
      'the collector to close every idle connection',
      () => (sockets.every((socket) => socket.destroyed || socket.readableEnded) ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 100 },
      () => `${sockets.filter((socket) => !(socket.destroyed || socket.readableEnded)).length} still open`,
    );
    for (const socket of sockets) socket.destroy();
    expect(await listNodes()).toEqual(['steady']);
  });
});
