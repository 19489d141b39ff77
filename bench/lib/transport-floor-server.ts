/**
 * The bench's peer for the collector: a gRPC server that does what any collector written with grpc-js must
 * do for a report and nothing more — the same server options, the same proto-loader decoding of each
 * AgentMessage, a Welcome for each Hello and an Ack (of the last sequence) for each Batch, written as soon
 * as the batch is decoded. No validation, no store, no diagnosis. Measured in the same run, against the
 * same load generator, it is the floor the collector's own costs stand on: what grpc-js and the generator
 * allow on this machine. `npm run bench:collector` starts it in place of the collector for the
 * `transport floor` runs (CollectorUnderTest); it is not part of the product.
 *
 * Usage: node transport-floor-server.js --grpc-listen HOST:PORT --http-listen HOST:PORT [--data-dir DIR]
 * (the collector's flags; --data-dir is ignored). /readyz answers 200 once the port is bound.
 */
import { createServer } from 'node:http';
import { Server as GrpcServer, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { REPORT_METHOD_PATH } from '../../agent/link/link-codec.js';
import { grpcChannelOptions } from '../../collector/grpc/grpc-server.js';
import { formatListenAddress, type ListenAddress, parseListenAddress } from '../../common/listen-address.js';
import { loadNodedocProtos } from '../../common/proto/load-options.js';
import type { AgentMessage__Output } from '../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { CollectorMessage } from '../../proto/gen/nodedoc/v1/CollectorMessage.js';

/** The collector's own --grpc-listen / --http-listen forms (common/listen-address.ts). */
function listenFlag(name: string): ListenAddress {
  const index = process.argv.indexOf(`--${name}`);
  const address = index >= 0 ? parseListenAddress(process.argv[index + 1] ?? '') : undefined;
  if (address === undefined) throw new Error(`--${name} HOST:PORT is required`);
  return address;
}

function messageType<In, Out>(name: string): MessageTypeDefinition<In, Out> {
  return loadNodedocProtos([])[name] as unknown as MessageTypeDefinition<In, Out>;
}

function now(): { seconds: string; nanos: number } {
  const ms = Date.now();
  return { seconds: String(Math.floor(ms / 1_000)), nanos: (ms % 1_000) * 1e6 };
}

function report(call: ServerDuplexStream<AgentMessage__Output, CollectorMessage>): void {
  call.on('data', (message: AgentMessage__Output) => {
    if (message.body === 'hello') {
      call.write({ welcome: { storedSequence: '0', collectorTime: now() } });
      return;
    }
    const last = message.batch?.reports.at(-1);
    if (last) call.write({ ack: { sequence: last.sequence, collectorTime: now() } });
  });
  call.on('end', () => call.end());
  // A cancelled stream (the generator closing) is not this server's business.
  call.on('error', () => undefined);
}

function main(): void {
  const agentMessage = messageType<unknown, AgentMessage__Output>('nodedoc.v1.AgentMessage');
  const collectorMessage = messageType<CollectorMessage, unknown>('nodedoc.v1.CollectorMessage');
  const server = new GrpcServer(grpcChannelOptions());
  server.register(
    REPORT_METHOD_PATH,
    report,
    (value: CollectorMessage) => collectorMessage.serialize(value),
    (bytes: Buffer) => agentMessage.deserialize(bytes),
    'bidi',
  );
  let bound = false;
  server.bindAsync(
    formatListenAddress(listenFlag('grpc-listen')),
    ServerCredentials.createInsecure(),
    (error) => {
      if (error) {
        process.stderr.write(`transport floor: cannot listen: ${error.message}\n`);
        process.exit(1);
      }
      bound = true;
    },
  );
  const http = listenFlag('http-listen');
  createServer((request, response) => {
    // No /metrics figures: the bench shows "-" for what only a collector counts.
    response.statusCode = request.url === '/readyz' && !bound ? 503 : 200;
    response.end(request.url === '/metrics' ? '' : 'ok\n');
  }).listen(http.port, http.host);
  process.once('SIGTERM', () => process.exit(0));
}

main();
