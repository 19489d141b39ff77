import type { ErrorBodyJson } from '../common/api/http-v1.js';
import { CliError } from './cli-error.js';
import { fetchTransport, type Transport } from './http-transport.js';

/** What the Kubernetes API server answers itself (service missing, no endpoints, forbidden). */
interface KubeStatus {
  readonly kind: 'Status';
  readonly message?: string;
}

/**
 * GETs of the collector's /api/v1 documents. Every failure becomes one CliError line: the collector
 * unreachable (with the address and the reason), its JSON error message (unknown node), what the API server
 * said when it proxies, or an unexpected status. Never a stack trace.
 */
export class ApiClient {
  /** The base as a directory (trailing slash), so API paths resolve under a proxy path prefix. */
  private readonly base: URL;

  constructor(
    readonly baseUrl: URL,
    private readonly timeoutMs: number,
    private readonly transport: Transport = fetchTransport,
    /** How errors name the collector: its origin, or "service NS/NAME via SERVER". */
    private readonly target: string = `the collector at ${baseUrl.origin}`,
  ) {
    this.base = new URL(baseUrl);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
  }

  /** An absolute URL for a path the API returned relative to the collector (runbook links). */
  resolve(path: string): string {
    return this.url(path).toString();
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.base);
  }

  async get<T>(path: string): Promise<T> {
    const url = this.url(path);
    let answer: { status: number; body: string };
    try {
      answer = await this.transport(url, this.timeoutMs);
    } catch (error) {
      throw new CliError(`cannot reach ${this.target}: ${describeFetchError(error, this.timeoutMs)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new CliError(
        `${this.target} answered ${path} with HTTP ${answer.status} and no JSON (is it a nodedoc collector?)`,
      );
    }
    const ok = answer.status >= 200 && answer.status < 300;
    const status = body as Partial<KubeStatus>;
    if (status.kind === 'Status') {
      // Only the API server answers with a Status: the Service is missing, has no endpoints, or is forbidden.
      throw new CliError(
        `the API server, asked for ${this.target}: ${status.message ?? `HTTP ${answer.status}`}`,
      );
    }
    if (!ok) {
      const message = (body as Partial<ErrorBodyJson>).error?.message;
      throw new CliError(message ?? `the collector answered ${path} with HTTP ${answer.status}`);
    }
    return body as T;
  }
}

/** fetch() hides the socket error in `cause`: ECONNREFUSED is what the person needs to see. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs}ms`;
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code) return cause.code;
  // e.g. "bad port": fetch refuses some ports outright, and says only "fetch failed" on the outside.
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
