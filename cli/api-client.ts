import type { ErrorBodyJson } from '../common/api/http-v1.js';
import { CliError } from './cli-error.js';

/**
 * GETs of the collector's /api/v1 documents. Every failure becomes one CliError line: the collector
 * unreachable (with the address and the reason), its JSON error message (unknown node), or an unexpected
 * status. Never a stack trace.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: URL,
    private readonly timeoutMs: number,
  ) {}

  /** An absolute URL for a path the API returned relative (runbook links). */
  resolve(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  async get<T>(path: string): Promise<T> {
    const url = new URL(path, this.baseUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach the collector at ${this.baseUrl.origin}: ${describeFetchError(error, this.timeoutMs)}`,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CliError(
        `the collector at ${this.baseUrl.origin} answered ${url.pathname} with HTTP ${response.status} and no JSON (is it a nodedoc collector?)`,
      );
    }
    if (!response.ok) {
      const message = (body as Partial<ErrorBodyJson>).error?.message;
      throw new CliError(message ?? `the collector answered ${url.pathname} with HTTP ${response.status}`);
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
