// Original file: nodedoc/v1/agent_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _nodedoc_v1_AgentMessage, AgentMessage__Output as _nodedoc_v1_AgentMessage__Output } from '../../nodedoc/v1/AgentMessage.js';
import type { CollectorMessage as _nodedoc_v1_CollectorMessage, CollectorMessage__Output as _nodedoc_v1_CollectorMessage__Output } from '../../nodedoc/v1/CollectorMessage.js';

/**
 * One long-lived bidirectional stream per agent.
 */
export interface AgentServiceClient extends grpc.Client {
  /**
   * The agent opens with a Hello, then sends Batches; the collector answers the Hello with a Welcome and
   * acknowledges what it has stored. Replayed reports (after a reconnect) are stored once.
   */
  Report(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nodedoc_v1_AgentMessage, _nodedoc_v1_CollectorMessage__Output>;
  Report(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nodedoc_v1_AgentMessage, _nodedoc_v1_CollectorMessage__Output>;
  /**
   * The agent opens with a Hello, then sends Batches; the collector answers the Hello with a Welcome and
   * acknowledges what it has stored. Replayed reports (after a reconnect) are stored once.
   */
  report(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nodedoc_v1_AgentMessage, _nodedoc_v1_CollectorMessage__Output>;
  report(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nodedoc_v1_AgentMessage, _nodedoc_v1_CollectorMessage__Output>;
  
}

/**
 * One long-lived bidirectional stream per agent.
 */
export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The agent opens with a Hello, then sends Batches; the collector answers the Hello with a Welcome and
   * acknowledges what it has stored. Replayed reports (after a reconnect) are stored once.
   */
  Report: grpc.handleBidiStreamingCall<_nodedoc_v1_AgentMessage__Output, _nodedoc_v1_CollectorMessage>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Report: MethodDefinition<_nodedoc_v1_AgentMessage, _nodedoc_v1_CollectorMessage, _nodedoc_v1_AgentMessage__Output, _nodedoc_v1_CollectorMessage__Output>
}
