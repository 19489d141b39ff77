import type { ErrorBodyJson } from '../../../common/api/http-v1.js';

/** A failed API call, with the collector's own message when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** GETs one of the collector's JSON documents (same origin). */
export async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch (error) {
    throw new ApiError(
      `cannot reach the collector: ${error instanceof Error ? error.message : String(error)}`,
      0,
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = (body as Partial<ErrorBodyJson> | undefined)?.error?.message;
    throw new ApiError(message ?? `${path}: HTTP ${response.status}`, response.status);
  }
  return body as T;
}

export function nodePath(node: string): string {
  return `/api/v1/nodes/${encodeURIComponent(node)}`;
}
