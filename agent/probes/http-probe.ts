import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { failureOfCode, ProbeError } from './probe-failure.js';

export interface HttpProbeResult {
  readonly status: number;
  readonly latencySeconds: number;
}

export interface HttpProbeOptions {
  readonly timeoutMs: number;
  /** PEM CA bundle to verify the server with; without it TLS is not verified (reachability only). */
  readonly ca?: string | Buffer;
}

/** Health endpoints answer in bytes; reading more would only cost memory (and the socket is dropped). */
const MAX_BODY_BYTES = 4096;
/** Errors that mean "the server closed our idle keep-alive connection as we reused it", not "it is down". */
const STALE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Repeated GETs of one health URL over ONE kept-alive connection, each with a hard deadline covering
 * connect, TLS and the response. A new TCP connection (and TLS handshake) every cycle would cost the
 * agent more CPU than the rest of its sampling, leave a TIME_WAIT socket and a conntrack entry behind
 * every interval on the node it is watching, and, for the API server, add a TLS handshake per node per
 * interval to the control plane. A broken path still shows: the request on the idle socket fails or
 * times out. When the server had closed the idle socket just as it was reused, the request is retried
 * once on a fresh connection so that race is not reported as an outage.
 *
 * Resolves with the status of any HTTP answer (the caller decides what is healthy); rejects with a short
 * reason when none came. node:http rather than fetch: already loaded, and small in resident memory.
 */
export class HttpProbe {
  private readonly target: URL;
  private readonly tls: boolean;
  private readonly agent: HttpAgent;

  constructor(
    url: string,
    private readonly options: HttpProbeOptions,
  ) {
    this.target = new URL(url);
    this.tls = this.target.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
    this.agent = this.tls
      ? new HttpsAgent({ ...agentOptions, ca: options.ca, rejectUnauthorized: options.ca !== undefined })
      : new HttpAgent(agentOptions);
  }

  async get(): Promise<HttpProbeResult> {
    try {
      return await this.once();
    } catch (error) {
      if (error instanceof StaleSocketError) return this.once();
      throw error;
    }
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }

  private once(): Promise<HttpProbeResult> {
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const request: ClientRequest = (this.tls ? httpsRequest : httpRequest)(
        this.target,
        { method: 'GET', agent: this.agent, headers: { 'user-agent': 'nodedoc-agent' } },
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
        () => request.destroy(new ProbeError(`no answer within ${this.options.timeoutMs}ms`, 'timeout')),
        this.options.timeoutMs,
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (request.reusedSocket && error.code !== undefined && STALE_SOCKET_ERRORS.has(error.code)) {
          reject(new StaleSocketError());
          return;
        }
        if (error instanceof ProbeError) reject(error);
        else
          reject(
            new ProbeError(
              error.code ? `${error.code} ${this.target.host}` : error.message,
              failureOfCode(error.code),
            ),
          );
      });
      request.end();
    });
  }
}

class StaleSocketError extends Error {}
