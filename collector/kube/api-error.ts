import { ApiException } from '@kubernetes/client-node';

/** The HTTP status behind a client-node failure (ApiException.code, Watch's statusCode), if there is one. */
export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  if (typeof error === 'object' && error !== null) {
    const candidate = (error as { statusCode?: unknown; code?: unknown }).statusCode;
    if (typeof candidate === 'number') return candidate;
  }
  return undefined;
}

/**
 * One line for the log: the API's Status message when the server sent one ("nodes is forbidden: User …
 * cannot list resource …"), else the error's first line. client-node's ApiException messages embed the
 * whole response, headers included, which is noise at best.
 */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = error.body;
    let message: string | undefined;
    if (typeof body === 'string') {
      try {
        message = (JSON.parse(body) as { message?: string }).message;
      } catch {
        message = body.slice(0, 200);
      }
    } else if (typeof body === 'object' && body !== null) {
      message = (body as { message?: string }).message;
    }
    // Without a Status body (401, 403 on some paths) the reason is on the message's "Message:" line.
    message ??= /^Message: (.+)$/m.exec(error.message)?.[1];
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = statusCodeOf(error);
  const line = message.split('\n')[0] ?? message;
  return code === undefined ? line : `HTTP ${code}: ${line}`;
}
