import type { ChannelOptions, Client, ServiceError } from '@grpc/grpc-js';
import { formatDuration } from '../../common/duration.js';
import { VERSION } from '../../common/version.js';
import type { RuntimeCondition } from '../sample-types.js';
import { CRI_API_VERSIONS, type CriApiVersion } from './api-versions.js';
import { CriCallError } from './cri-call-error.js';
import { CriResponseError, parseStatusResponse } from './runtime-conditions.js';
import { loadStatusMethods, type StatusMethods } from './status-methods.js';

type Grpc = typeof import('@grpc/grpc-js');

/**
 * A non-verbose StatusResponse is a few hundred bytes. Capping what the channel accepts (gRPC's default
 * is 4 MiB) keeps a broken or hostile endpoint from making the agent buffer megabytes per cycle.
 */
const MAX_STATUS_RESPONSE_BYTES = 64 * 1024;
/**
 * gRPC backs off reconnecting up to 120 s by default, so a runtime that restarted would look down for
 * minutes. Reconnecting a local unix socket is one connect(2); retrying it within a second keeps the
 * probe's answer as fresh as the sampling interval.
 */
const RECONNECT_BACKOFF_INITIAL_MS = 100;
const RECONNECT_BACKOFF_MAX_MS = 1_000;

const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': MAX_STATUS_RESPONSE_BYTES,
  'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_INITIAL_MS,
  'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF_MAX_MS,
  // One probe is one attempt: its failure is the signal, and retries would stretch the deadline's meaning.
  'grpc.enable_retries': 0,
  // channelz keeps per-call bookkeeping nobody reads in the agent.
  'grpc.enable_channelz': 0,
  // Shows up in the runtime's logs, so an operator can tell the agent's calls from the kubelet's.
  'grpc.primary_user_agent': `nodedoc-agent/${VERSION}`,
};

export interface CriStatus {
  readonly apiVersion: CriApiVersion;
  readonly conditions: readonly RuntimeCondition[];
  /** Round trip of the call that answered. */
  readonly latencySeconds: number;
}

export interface ConnectOptions {
  /** A connection of its own, not shared with other channels to the socket (the in-cycle retry). */
  readonly fresh?: boolean;
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

/** grpc-js appends an empty "Resolution note:" to connection errors; it adds nothing for a unix socket. */
function cleanDetails(details: string): string {
  return details.replace(/\.?\s*Resolution note:\s*$/, '').trim();
}

/**
 * One long-lived gRPC channel to a CRI runtime's unix socket, made when the socket is first found and
 * closed with the agent. It asks RuntimeService/Status in CRI v1 and falls back to v1alpha2 when the
 * runtime answers UNIMPLEMENTED; the version that answered is tried first from then on.
 */
export class CriStatusClient {
  /** The CRI version that answered last, asked first next time; null before the first answer. */
  private answered: CriApiVersion | null = null;

  private constructor(
    private readonly grpc: Grpc,
    private readonly client: Client,
    private readonly methods: StatusMethods,
    private readonly deadlineMs: number,
  ) {}

  /**
   * grpc-js and proto-loader are imported here, not at the top of the module: together they cost about
   * 17 MiB of RSS in a bare Node 20 process and about 10 MiB on top of the agent's own modules (which
   * already load tls and http), a share of the 64 MiB budget a host with no container runtime (a
   * laptop, CI) should not pay.
   */
  static async connect(
    socketPath: string,
    deadlineMs: number,
    { fresh = false }: ConnectOptions = {},
  ): Promise<CriStatusClient> {
    const [grpc, methods] = await Promise.all([import('@grpc/grpc-js'), loadStatusMethods()]);
    const client = new grpc.Client(
      `unix://${socketPath}`,
      grpc.credentials.createInsecure(),
      // grpc-js shares connections (subchannels) between channels to the same target: a "fresh" client
      // would otherwise reuse the kept channel's broken connection and its reconnect backoff.
      fresh ? { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 } : CHANNEL_OPTIONS,
    );
    return new CriStatusClient(grpc, client, methods, deadlineMs);
  }

  /** One Status call (two when v1 is unimplemented), all within one deadline. Throws CriCallError. */
  async status(): Promise<CriStatus> {
    const deadline = new Date(Date.now() + this.deadlineMs);
    const order = this.answered === null ? CRI_API_VERSIONS : [this.answered, ...CRI_API_VERSIONS];
    for (const version of new Set(order)) {
      const started = process.hrtime.bigint();
      let response: unknown;
      try {
        response = await this.call(version, deadline);
      } catch (error) {
        if (isServiceError(error) && error.code === this.grpc.status.UNIMPLEMENTED) continue;
        throw this.describe(error);
      }
      const latencySeconds = Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const conditions = parseStatusResponse(response);
        this.answered = version;
        return { apiVersion: version, conditions, latencySeconds };
      } catch (error) {
        if (error instanceof CriResponseError) {
          throw new CriCallError(`unreadable runtime.${version} StatusResponse: ${error.message}`, null);
        }
        throw error;
      }
    }
    throw new CriCallError(
      `serves neither runtime.v1 nor runtime.v1alpha2 RuntimeService/Status (UNIMPLEMENTED)`,
      'UNIMPLEMENTED',
      true,
    );
  }

  close(): void {
    this.client.close();
  }

  private call(version: CriApiVersion, deadline: Date): Promise<unknown> {
    const method = this.methods[version];
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        // Not verbose: the verbose info map holds the runtime's whole configuration as JSON.
        { verbose: false },
        new this.grpc.Metadata(),
        { deadline },
        (error, response) => (error ? reject(error) : resolve(response)),
      );
    });
  }

  private describe(error: unknown): CriCallError {
    if (!isServiceError(error)) {
      return new CriCallError(error instanceof Error ? error.message : String(error), null);
    }
    const name = this.grpc.status[error.code] ?? `status ${error.code}`;
    if (error.code === this.grpc.status.DEADLINE_EXCEEDED) {
      return new CriCallError(
        `no answer to RuntimeService/Status within ${formatDuration(this.deadlineMs)} (${name})`,
        name,
      );
    }
    return new CriCallError(`${name}: ${cleanDetails(error.details || error.message)}`, name);
  }
}
