import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { sendMetrics } from '../../common/http/send-metrics.js';
import type { ListenAddress } from '../../common/listen-address.js';

export interface HealthVerdict {
  readonly healthy: boolean;
  readonly detail: string;
}

/**
 * /metrics (Prometheus text format) and /healthz. Anything else is 404; anything but GET/HEAD is 405.
 * Small on purpose: the agent has a memory budget and this is its only listening socket.
 */
export function startMetricsServer(
  listen: ListenAddress,
  registry: Registry,
  health: () => HealthVerdict,
): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
        .end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      sendMetrics(request, response, registry, { gzip: false });
      return;
    }
    if (path === '/healthz') {
      const verdict = health();
      response
        .writeHead(verdict.healthy ? 200 : 503, { 'content-type': 'text/plain' })
        .end(`${verdict.detail}\n`);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
  // Scrapers keep connections alive; a short idle timeout keeps idle sockets from piling up.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: listen.host, port: listen.port }, () => {
      server.off('error', reject);
      resolve({ server, address: server.address() as AddressInfo });
    });
  });
}
