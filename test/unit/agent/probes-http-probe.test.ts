import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpProbe } from '../../../agent/probes/http-probe.js';

const OK_RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok';

/**
 * A raw TCP server speaking just enough HTTP/1.1 to control connection reuse exactly: it counts
 * connections and requests, and can drop a kept-alive connection when the next request arrives on it —
 * the race a keep-alive client meets when a server times out an idle connection.
 */
async function startServer(dropReusedOnce = false) {
  const sockets: Socket[] = [];
  let connections = 0;
  let requests = 0;
  let dropped = false;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.push(socket);
    let onThisSocket = 0;
    socket.on('data', (chunk) => {
      for (const _ of chunk.toString().matchAll(/GET \//g)) {
        onThisSocket += 1;
        requests += 1;
        if (dropReusedOnce && !dropped && onThisSocket === 2) {
          dropped = true;
          socket.resetAndDestroy();
          return;
        }
        socket.write(OK_RESPONSE);
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    stats: () => ({ connections, requests }),
    openSockets: () => sockets.filter((socket) => !socket.destroyed).length,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('HttpProbe', () => {
  it('sends every probe over one kept-alive connection', async () => {
    const server = await startServer();
    cleanups.push(server.close);
    const probe = new HttpProbe(server.url, { timeoutMs: 2_000 });
    cleanups.push(() => probe.close());
    for (let i = 0; i < 3; i += 1) expect((await probe.get()).status).toBe(200);
    expect(server.stats()).toEqual({ connections: 1, requests: 3 });
  });

  it('retries once on a fresh connection when the server dropped the reused one', async () => {
    const server = await startServer(true);
    cleanups.push(server.close);
    const probe = new HttpProbe(server.url, { timeoutMs: 2_000 });
    cleanups.push(() => probe.close());
    expect((await probe.get()).status).toBe(200);
    expect((await probe.get()).status).toBe(200);
    expect(server.stats()).toEqual({ connections: 2, requests: 3 });
  });

  it('reports a refused connection as a failure, not a retry loop', async () => {
    const server = await startServer();
    const { url } = server;
    await server.close();
    const probe = new HttpProbe(url, { timeoutMs: 2_000 });
    cleanups.push(() => probe.close());
    await expect(probe.get()).rejects.toThrow(/^ECONNREFUSED 127\.0\.0\.1:\d+$/);
    await expect(probe.get()).rejects.toMatchObject({ failure: 'refused' });
  });

  it('close() closes the kept-alive connection', async () => {
    const server = await startServer();
    cleanups.push(server.close);
    const probe = new HttpProbe(server.url, { timeoutMs: 2_000 });
    await probe.get();
    probe.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.openSockets()).toBe(0);
  });

  it('says a server that never answers timed out', async () => {
    // Accepts the connection and never writes a byte: a hung daemon.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of held) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as AddressInfo;
    const probe = new HttpProbe(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 100 });
    cleanups.push(() => probe.close());
    await expect(probe.get()).rejects.toMatchObject({
      message: 'no answer within 100ms',
      failure: 'timeout',
    });
  });
});
