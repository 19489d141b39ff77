import { type ChannelOptions, loadPackageDefinition, Server, ServerCredentials } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { formatListenAddress, type ListenAddress } from '../../common/listen-address.js';
import { loadNodedocProtos } from '../../common/proto/load-options.js';
import type { ProtoGrpcType as AgentProtos } from '../../proto/gen/agent_service.js';
import type { AgentServiceHandlers } from '../../proto/gen/nodedoc/v1/AgentService.js';
import type { QueryServiceHandlers } from '../../proto/gen/nodedoc/v1/QueryService.js';
import type { ProtoGrpcType as QueryProtos } from '../../proto/gen/query_service.js';
import type { TlsFiles } from '../config/collector-config.js';
import { MAX_MESSAGE_BYTES } from '../ingest/wire-limits.js';

/** The services health reports on: '' is the server as a whole (what `grpc_health_probe` asks by default). */
export const HEALTH_SERVICES = ['', 'nodedoc.v1.AgentService', 'nodedoc.v1.QueryService'] as const;

/**
 * Keepalive, from the server's side. Agents ping every 20 s with a 10 s timeout (and also without a call in
 * flight) to notice a dead link quickly. grpc-js servers answer client pings without policing their rate (unlike
 * grpc-go's and C-core's default enforcement, which would send GOAWAY too_many_pings below 5 minutes), so
 * nothing needs loosening to permit them. What we do set:
 * - SERVER_KEEPALIVE_*: the collector pings each connection itself every 60 s and drops it when no answer
 *   comes within 20 s, so the connection of a node that lost power (no FIN ever arrives) is freed in about
 *   80 s instead of after hours of TCP retransmission. 15,000 agents cost 250 tiny ping frames a second.
 * - IDLE_CONNECTION_MS: a connection with no call open for 60 s is closed (GOAWAY). Agents always have their
 *   Report stream open, so this only reaps clients that connect and do nothing (or finished their queries):
 *   thousands of idle connections cannot pile up. A CLI that comes back later simply reconnects.
 * - MAX_CONCURRENT_STREAMS: an agent needs one stream and a CLI a few; one connection cannot open thousands.
 */
export const SERVER_KEEPALIVE_TIME_MS = 60_000;
export const SERVER_KEEPALIVE_TIMEOUT_MS = 20_000;
export const IDLE_CONNECTION_MS = 60_000;
export const MAX_CONCURRENT_STREAMS = 100;

export interface GrpcServerOptions {
  readonly listen: ListenAddress;
  readonly tls: TlsFiles | undefined;
  readonly agentService: AgentServiceHandlers;
  readonly queryService: QueryServiceHandlers;
  /** Tests shorten it to watch idle connections being closed. */
  readonly idleConnectionMs?: number;
}

export interface RunningGrpcServer {
  readonly server: Server;
  readonly health: HealthImplementation;
  /** The port actually bound (the kernel's choice for port 0). */
  readonly port: number;
}

/** The nodedoc services plus grpc.health.v1, so reflection describes everything the server answers. */
function protos() {
  const definition = loadNodedocProtos([healthProtoPath]);
  const loaded = loadPackageDefinition(definition) as unknown as AgentProtos & QueryProtos;
  return { definition, loaded };
}

export function grpcChannelOptions(idleConnectionMs = IDLE_CONNECTION_MS): ChannelOptions {
  return {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': SERVER_KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': SERVER_KEEPALIVE_TIMEOUT_MS,
    'grpc.max_connection_idle_ms': idleConnectionMs,
    'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
  };
}

/**
 * Binds the gRPC server with every service registered and health NOT_SERVING (the caller flips it once the
 * store is open). With TLS files, clients must present a certificate signed by the CA.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { definition, loaded } = protos();
  const server = new Server(grpcChannelOptions(options.idleConnectionMs));
  server.addService(loaded.nodedoc.v1.AgentService.service, options.agentService);
  server.addService(loaded.nodedoc.v1.QueryService.service, options.queryService);
  const health = new HealthImplementation(
    Object.fromEntries(HEALTH_SERVICES.map((name) => [name, 'NOT_SERVING'])),
  );
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  const credentials = options.tls
    ? ServerCredentials.createSsl(
        options.tls.ca,
        [{ cert_chain: options.tls.cert, private_key: options.tls.key }],
        true,
      )
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(formatListenAddress(options.listen), credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return { server, health, port };
}
