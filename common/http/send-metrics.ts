import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';

/** Below this a gzip header costs more than it saves. */
const GZIP_MIN_BYTES = 1024;

function acceptsGzip(request: IncomingMessage): boolean {
  const header = request.headers['accept-encoding'];
  return (
    typeof header === 'string' && /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(header)
  );
}

/**
 * Renders the registry and answers a scrape, 500 with one line if rendering fails. With `gzip`, the body
 * is compressed when the scraper accepts it (Prometheus always does): worth it for large expositions
 * over a network. The agent's ~14 KiB exposition is not: gzipSync sets up a fresh deflate state per call,
 * which measured as more CPU than the whole sampling cycle saves in bytes.
 */
export function sendMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  registry: Registry,
  options: { gzip: boolean },
): void {
  registry.metrics().then(
    (text) => {
      const headers: Record<string, string> = { 'content-type': registry.contentType };
      if (options.gzip && text.length >= GZIP_MIN_BYTES && acceptsGzip(request)) {
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
        // Level 1: nearly all of the size win for a fraction of the default level's CPU.
        response.writeHead(200, headers).end(gzipSync(text, { level: constants.Z_BEST_SPEED }));
        return;
      }
      response.writeHead(200, headers).end(text);
    },
    (error: unknown) =>
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
  );
}
