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
/** Where the collector is and how to reach it. */
export interface CollectorEndpoint {
  readonly baseUrl: URL;
  readonly transport: Transport;
  /** How errors name the collector: "the collector at ORIGIN", "service NS/NAME via SERVER". */
  readonly target: string;
}

export class ApiClient {
  private resolved:
    | { readonly base: URL; readonly transport: Transport; readonly target: string }
    | undefined;

  /**
   * `endpoint`: the collector's URL (reached with fetch), or a function giving the endpoint, called on first
   * use — so commands that need no collector (`runbook`) never read a kubeconfig.
   */
  constructor(
    private readonly endpoint: URL | (() => CollectorEndpoint),
    private readonly timeoutMs: number,
  ) {}

  private connection(): { base: URL; transport: Transport; target: string } {
    if (!this.resolved) {
      const endpoint: CollectorEndpoint =
        this.endpoint instanceof URL
          ? {
              baseUrl: this.endpoint,
              transport: fetchTransport,
              target: `the collector at ${this.endpoint.origin}`,
            }
          : this.endpoint();
      // The base as a directory (trailing slash), so API paths resolve under a proxy path prefix.
      const base = new URL(endpoint.baseUrl);
      if (!base.pathname.endsWith('/')) base.pathname += '/';
      this.resolved = { base, transport: endpoint.transport, target: endpoint.target };
    }
    return this.resolved;
  }

  /** An absolute URL for a path the API returned relative to the collector (runbook links). */
  resolve(path: string): string {
    return this.url(path).toString();
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.connection().base);
  }

  async get<T>(path: string): Promise<T> {
    const { transport, target } = this.connection();
    const url = this.url(path);
    let answer: { status: number; body: string };
    try {
      answer = await transport(url, this.timeoutMs);
    } catch (error) {
      throw new CliError(`cannot reach ${target}: ${describeFetchError(error, this.timeoutMs)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new CliError(
        `${target} answered ${path} with HTTP ${answer.status} and no JSON (is it a nodedoc collector?)`,
      );
    }
    const ok = answer.status >= 200 && answer.status < 300;
    const status = body as Partial<KubeStatus>;
    if (status.kind === 'Status') {
      // Only the API server answers with a Status: the Service is missing, has no endpoints, or is forbidden.
      throw new CliError(`the API server, asked for ${target}: ${status.message ?? `HTTP ${answer.status}`}`);
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
