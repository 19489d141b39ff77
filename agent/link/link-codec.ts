import type { AnyDefinition, MessageTypeDefinition } from '@grpc/proto-loader';
import { nodedocProtoRoot, PROTO_LOAD_OPTIONS } from '../../common/proto/load-options.js';
import type { AgentMessage } from '../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { Batch } from '../../proto/gen/nodedoc/v1/Batch.js';
import type { CollectorMessage__Output } from '../../proto/gen/nodedoc/v1/CollectorMessage.js';
import type { Hello } from '../../proto/gen/nodedoc/v1/Hello.js';
import type { Report } from '../../proto/gen/nodedoc/v1/Report.js';
import { frameBatch } from './batch-frame.js';
import { timestampFromMs } from './proto-time.js';

/** The full method name of the agent stream (agent_service.proto). */
export const REPORT_METHOD_PATH = '/nodedoc.v1.AgentService/Report';
const SERVICE_PROTO = 'nodedoc/v1/agent_service.proto';

/** The wire encodings the link needs, from the project's own .proto files. */
export interface LinkCodec {
  /** AgentMessage{hello}. */
  hello(hello: Hello): Buffer;
  /** One Report on its own: what the spool stores. */
  report(report: Report): Buffer;
  /** AgentMessage{batch} from reports as the spool stores them. */
  batch(reports: readonly Buffer[], sentAtMs: number, lastAckRttSeconds: number): Buffer;
  collectorMessage(bytes: Buffer): CollectorMessage__Output;
}

function messageType<In, Out>(
  definition: AnyDefinition | undefined,
  name: string,
): MessageTypeDefinition<In, Out> {
  if (definition === undefined || definition.format !== 'Protocol Buffer 3 DescriptorProto') {
    throw new Error(`message ${name} is missing from ${SERVICE_PROTO}`);
  }
  // proto-loader types every message as `object`; proto/gen describes what these options produce.
  return definition as unknown as MessageTypeDefinition<In, Out>;
}

/**
 * Loads proto/nodedoc with the project's run-time options (common/proto/load-options.ts). Imported on
 * demand: protobufjs costs a few MiB of RSS that an agent without --collector should not pay.
 */
export async function loadLinkCodec(): Promise<LinkCodec> {
  const protoLoader = await import('@grpc/proto-loader');
  const definitions = await protoLoader.load(SERVICE_PROTO, {
    ...PROTO_LOAD_OPTIONS,
    includeDirs: [nodedocProtoRoot()],
  });
  const agentMessage = messageType<AgentMessage, unknown>(
    definitions['nodedoc.v1.AgentMessage'],
    'nodedoc.v1.AgentMessage',
  );
  const report = messageType<Report, unknown>(definitions['nodedoc.v1.Report'], 'nodedoc.v1.Report');
  const batch = messageType<Batch, unknown>(definitions['nodedoc.v1.Batch'], 'nodedoc.v1.Batch');
  const collectorMessage = messageType<unknown, CollectorMessage__Output>(
    definitions['nodedoc.v1.CollectorMessage'],
    'nodedoc.v1.CollectorMessage',
  );
  return {
    hello: (hello) => agentMessage.serialize({ hello }),
    report: (value) => report.serialize(value),
    batch: (reports, sentAtMs, lastAckRttSeconds) =>
      frameBatch(reports, batch.serialize({ sentAt: timestampFromMs(sentAtMs), lastAckRttSeconds })),
    collectorMessage: (bytes) => collectorMessage.deserialize(bytes),
  };
}
