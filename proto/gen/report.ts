import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from './nodedoc/v1/Finding.js';
import type { Report as _nodedoc_v1_Report, Report__Output as _nodedoc_v1_Report__Output } from './nodedoc/v1/Report.js';
import type { SignalReading as _nodedoc_v1_SignalReading, SignalReading__Output as _nodedoc_v1_SignalReading__Output } from './nodedoc/v1/SignalReading.js';
import type { Vitals as _nodedoc_v1_Vitals, Vitals__Output as _nodedoc_v1_Vitals__Output } from './nodedoc/v1/Vitals.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  nodedoc: {
    v1: {
      CauseId: EnumTypeDefinition
      CheckId: EnumTypeDefinition
      Finding: MessageTypeDefinition<_nodedoc_v1_Finding, _nodedoc_v1_Finding__Output>
      NodeStatus: EnumTypeDefinition
      Report: MessageTypeDefinition<_nodedoc_v1_Report, _nodedoc_v1_Report__Output>
      Scope: EnumTypeDefinition
      Severity: EnumTypeDefinition
      SignalReading: MessageTypeDefinition<_nodedoc_v1_SignalReading, _nodedoc_v1_SignalReading__Output>
      SignalState: EnumTypeDefinition
      Vitals: MessageTypeDefinition<_nodedoc_v1_Vitals, _nodedoc_v1_Vitals__Output>
    }
  }
}

