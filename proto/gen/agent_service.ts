import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Ack as _nodedoc_v1_Ack, Ack__Output as _nodedoc_v1_Ack__Output } from './nodedoc/v1/Ack.js';
import type { AgentMessage as _nodedoc_v1_AgentMessage, AgentMessage__Output as _nodedoc_v1_AgentMessage__Output } from './nodedoc/v1/AgentMessage.js';
import type { AgentServiceClient as _nodedoc_v1_AgentServiceClient, AgentServiceDefinition as _nodedoc_v1_AgentServiceDefinition } from './nodedoc/v1/AgentService.js';
import type { Batch as _nodedoc_v1_Batch, Batch__Output as _nodedoc_v1_Batch__Output } from './nodedoc/v1/Batch.js';
import type { CollectorMessage as _nodedoc_v1_CollectorMessage, CollectorMessage__Output as _nodedoc_v1_CollectorMessage__Output } from './nodedoc/v1/CollectorMessage.js';
import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from './nodedoc/v1/Finding.js';
import type { Hello as _nodedoc_v1_Hello, Hello__Output as _nodedoc_v1_Hello__Output } from './nodedoc/v1/Hello.js';
import type { Report as _nodedoc_v1_Report, Report__Output as _nodedoc_v1_Report__Output } from './nodedoc/v1/Report.js';
import type { Settings as _nodedoc_v1_Settings, Settings__Output as _nodedoc_v1_Settings__Output } from './nodedoc/v1/Settings.js';
import type { SignalReading as _nodedoc_v1_SignalReading, SignalReading__Output as _nodedoc_v1_SignalReading__Output } from './nodedoc/v1/SignalReading.js';
import type { Vitals as _nodedoc_v1_Vitals, Vitals__Output as _nodedoc_v1_Vitals__Output } from './nodedoc/v1/Vitals.js';
import type { Welcome as _nodedoc_v1_Welcome, Welcome__Output as _nodedoc_v1_Welcome__Output } from './nodedoc/v1/Welcome.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  nodedoc: {
    v1: {
      Ack: MessageTypeDefinition<_nodedoc_v1_Ack, _nodedoc_v1_Ack__Output>
      AgentMessage: MessageTypeDefinition<_nodedoc_v1_AgentMessage, _nodedoc_v1_AgentMessage__Output>
      /**
       * One long-lived bidirectional stream per agent.
       */
      AgentService: SubtypeConstructor<typeof grpc.Client, _nodedoc_v1_AgentServiceClient> & { service: _nodedoc_v1_AgentServiceDefinition }
      Batch: MessageTypeDefinition<_nodedoc_v1_Batch, _nodedoc_v1_Batch__Output>
      CauseId: EnumTypeDefinition
      CheckId: EnumTypeDefinition
      CollectorMessage: MessageTypeDefinition<_nodedoc_v1_CollectorMessage, _nodedoc_v1_CollectorMessage__Output>
      Finding: MessageTypeDefinition<_nodedoc_v1_Finding, _nodedoc_v1_Finding__Output>
      Hello: MessageTypeDefinition<_nodedoc_v1_Hello, _nodedoc_v1_Hello__Output>
      NodeStatus: EnumTypeDefinition
      Report: MessageTypeDefinition<_nodedoc_v1_Report, _nodedoc_v1_Report__Output>
      Scope: EnumTypeDefinition
      Settings: MessageTypeDefinition<_nodedoc_v1_Settings, _nodedoc_v1_Settings__Output>
      Severity: EnumTypeDefinition
      SignalReading: MessageTypeDefinition<_nodedoc_v1_SignalReading, _nodedoc_v1_SignalReading__Output>
      SignalState: EnumTypeDefinition
      Vitals: MessageTypeDefinition<_nodedoc_v1_Vitals, _nodedoc_v1_Vitals__Output>
      Welcome: MessageTypeDefinition<_nodedoc_v1_Welcome, _nodedoc_v1_Welcome__Output>
    }
  }
}

