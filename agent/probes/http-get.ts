import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpProbeResult {
  readonly status: number;
  readonly latencySeconds: number;
}

export interface HttpProbeOptions {
  readonly timeoutMs: number;
  /** PEM CA bundle to verify the server with; without it TLS is not verified (reachability only). */
  readonly ca?: string | Buffer;
}

/** Health endpoints answer in bytes; reading more would only cost memory. */
const MAX_BODY_BYTES = 4096;

/**
 * One GET with a hard deadline covering connect, TLS and the response. Resolves with the status for any
 * HTTP answer (the caller decides what is healthy); rejects with a short reason when no answer came.
 * Uses node:http rather than fetch: it is already loaded and keeps the agent's resident memory small.
 */
export function httpGet(url: string, options: HttpProbeOptions): Promise<HttpProbeResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const target = new URL(url);
    const tls = target.protocol === 'https:';
    const request = (tls ? httpsRequest : httpRequest)(
      target,
      {
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'nodedoc-agent', connection: 'close' },
        ...(tls ? { ca: options.ca, rejectUnauthorized: options.ca !== undefined } : {}),
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_BODY_BYTES) response.destroy();
        });
        response.on('close', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            latencySeconds: Number(process.hrtime.bigint() - start) / 1e9,
          });
        });
      },
    );
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs}ms`)),
      options.timeoutMs,
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(error.code ? `${error.code} ${target.host}` : error.message));
    });
    request.end();
  });
}
