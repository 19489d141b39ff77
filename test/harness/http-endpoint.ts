import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** What the endpoint does with each request. */
export type Behaviour =
  /** Answer every request with this status and body. */
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly contentType?: string }
  /** Accept the connection, read the request and never answer: a wedged process behind a live socket. */
  | { readonly kind: 'hang' };

/** The kubelet's healthz when all is well: 200 with the body "ok". */
export const KUBELET_HEALTHY: Behaviour = { kind: 'answer', status: 200, body: 'ok' };

/** What a real API server with anonymous auth disabled answers to an unauthenticated GET /readyz. */
export const APISERVER_UNAUTHORIZED: Behaviour = {
  kind: 'answer',
  status: 401,
  contentType: 'application/json',
  body: JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  }),
};

/**
 * A local HTTP(S) server on 127.0.0.1 and a kernel-chosen port playing the kubelet's healthz or the API
 * server's /readyz, whose behaviour the test switches at will, and which records what it was asked.
 */
export interface FakeEndpoint {
  readonly port: number;
  /** http://127.0.0.1:PORT or https://127.0.0.1:PORT. */
  readonly origin: string;
  /** Request paths in arrival order. */
  readonly requests: readonly string[];
  /** Completed TLS handshakes (always 0 for plain HTTP). */
  readonly tlsHandshakes: number;
  behave(behaviour: Behaviour): void;
  /** Stops listening and drops every connection, hung ones included; the port then refuses connections. */
  close(): Promise<void>;
}

export interface FakeEndpointOptions {
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export async function startFakeEndpoint(
  initial: Behaviour,
  options: FakeEndpointOptions = {},
): Promise<FakeEndpoint> {
  let behaviour = initial;
  let tlsHandshakes = 0;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    requests.push(request.url ?? '');
    // Drain the (empty) request body either way, so a hung request is truly waiting on us.
    request.resume();
    if (behaviour.kind === 'hang') return;
    response
      .writeHead(behaviour.status, { 'content-type': behaviour.contentType ?? 'text/plain' })
      .end(behaviour.body);
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', () => {
    tlsHandshakes += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    port,
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    get tlsHandshakes() {
      return tlsHandshakes;
    },
    behave(next) {
      behaviour = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
