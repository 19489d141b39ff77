import { Agent, get } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * Scrapes as Prometheus does, so both processes are measured under the load they really get: keep-alive
 * connections, gzip offered, the text exposition format accepted.
 */
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
const PROMETHEUS_HEADERS = {
  accept: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1',
  'accept-encoding': 'gzip',
  'user-agent': 'nodedoc-bench (Prometheus-like scraper)',
};

/** GET a metrics URL and return the (decompressed) body; rejects on a non-200 status or a socket error. */
export function scrape(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: keepAlive, headers: PROMETHEUS_HEADERS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`${url}: HTTP ${response.statusCode}`));
          return;
        }
        const body = Buffer.concat(chunks);
        resolve((response.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
      });
    }).on('error', reject);
  });
}

/** Lets the process exit: keep-alive sockets would otherwise hold the event loop open. */
export function closeScrapeConnections(): void {
  keepAlive.destroy();
}

/** The value of an unlabelled sample in Prometheus text format, or undefined. */
export function sampleValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
