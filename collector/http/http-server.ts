import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ListenAddress } from '../../common/listen-address.js';
import { type CollectorError, collectorError } from '../errors.js';
import { toCollectorError } from '../to-collector-error.js';
import { apiRouter, type Endpoint, type HttpDependencies, type Reply } from './api-routes.js';
import type { Router } from './router.js';

/** Idle keep-alive connections are closed after this: dashboards and scrapers reconnect cheaply. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A client has this long to send its headers, and the whole request: no slow-loris holding sockets. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

const JSON_TYPE = 'application/json; charset=utf-8';

function send(response: ServerResponse, reply: Exclude<Reply, { kind: 'sent' }>): void {
  if (reply.kind === 'html') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(reply.body);
    return;
  }
  if (reply.kind === 'text') {
    response.writeHead(200, { ...reply.headers, 'content-type': reply.contentType }).end(reply.body);
    return;
  }
  response
    .writeHead(reply.status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' })
    .end(`${JSON.stringify(reply.body)}\n`);
}

function sendError(
  response: ServerResponse,
  error: CollectorError,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response
    .writeHead(error.httpStatus, { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers })
    .end(`${JSON.stringify(error.body())}\n`);
}

function checkQuery(endpoint: Endpoint, query: URLSearchParams): void {
  if (endpoint.query === undefined) return;
  for (const name of query.keys()) {
    if (!endpoint.query.includes(name)) {
      throw collectorError('UNKNOWN_PARAMETER', {
        name,
        allowed: endpoint.query.length ? endpoint.query.join(', ') : 'none',
      });
    }
  }
}

/** Answers one request from the router; every failure becomes a catalog error body. */
export function handleRequest(
  router: Router<Endpoint>,
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const method = request.method ?? 'GET';
  // Origin-form only ("/path?query"); the base is a placeholder, since only the path and query are used.
  const target = request.url ?? '/';
  const url = new URL(target.startsWith('/') ? `http://collector${target}` : 'http://collector/');
  if (!target.startsWith('/')) {
    sendError(response, collectorError('ROUTE_NOT_FOUND', { path: target }));
    return;
  }
  const match = router.match(method, url.pathname);
  if (match.kind === 'not-found') {
    sendError(response, collectorError('ROUTE_NOT_FOUND', { path: url.pathname }));
    return;
  }
  if (match.kind === 'bad-path') {
    sendError(
      response,
      collectorError('INVALID_PARAMETER', {
        name: 'path',
        reason: `${match.segment} is not valid percent-encoding`,
      }),
    );
    return;
  }
  if (match.kind === 'method-not-allowed') {
    const allowed = match.allowed.join(', ');
    sendError(response, collectorError('METHOD_NOT_ALLOWED', { method, path: url.pathname, allowed }), {
      allow: allowed,
    });
    return;
  }
  const { handler: endpoint, params } = match;
  Promise.resolve()
    .then(() => {
      checkQuery(endpoint, url.searchParams);
      return endpoint.run({ params, query: url.searchParams, request, response });
    })
    .then(
      (reply) => {
        if (reply.kind !== 'sent') send(response, reply);
      },
      (error: unknown) => {
        const { error: failure, internal } = toCollectorError(error);
        if (internal) logger.error({ err: error, method, path: url.pathname }, 'HTTP request failed');
        sendError(response, failure);
      },
    );
}

/** Starts the HTTP/JSON API (and /metrics, /healthz, /readyz) on `listen`. */
export function startHttpServer(
  listen: ListenAddress,
  deps: HttpDependencies & { readonly logger: Logger },
): Promise<{ server: Server; address: AddressInfo }> {
  const router = apiRouter(deps);
  const server = createServer((request, response) => handleRequest(router, deps.logger, request, response));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: listen.host, port: listen.port }, () => {
      server.off('error', reject);
      resolve({ server, address: server.address() as AddressInfo });
    });
  });
}
