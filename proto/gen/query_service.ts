import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Cause as _nodedoc_v1_Cause, Cause__Output as _nodedoc_v1_Cause__Output } from './nodedoc/v1/Cause.js';
import type { CauseInfo as _nodedoc_v1_CauseInfo, CauseInfo__Output as _nodedoc_v1_CauseInfo__Output } from './nodedoc/v1/CauseInfo.js';
import type { Evidence as _nodedoc_v1_Evidence, Evidence__Output as _nodedoc_v1_Evidence__Output } from './nodedoc/v1/Evidence.js';
import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from './nodedoc/v1/Finding.js';
import type { GetNodeRequest as _nodedoc_v1_GetNodeRequest, GetNodeRequest__Output as _nodedoc_v1_GetNodeRequest__Output } from './nodedoc/v1/GetNodeRequest.js';
import type { GetTimelineRequest as _nodedoc_v1_GetTimelineRequest, GetTimelineRequest__Output as _nodedoc_v1_GetTimelineRequest__Output } from './nodedoc/v1/GetTimelineRequest.js';
import type { GetTimelineResponse as _nodedoc_v1_GetTimelineResponse, GetTimelineResponse__Output as _nodedoc_v1_GetTimelineResponse__Output } from './nodedoc/v1/GetTimelineResponse.js';
import type { IngestStats as _nodedoc_v1_IngestStats, IngestStats__Output as _nodedoc_v1_IngestStats__Output } from './nodedoc/v1/IngestStats.js';
import type { ListCausesRequest as _nodedoc_v1_ListCausesRequest, ListCausesRequest__Output as _nodedoc_v1_ListCausesRequest__Output } from './nodedoc/v1/ListCausesRequest.js';
import type { ListCausesResponse as _nodedoc_v1_ListCausesResponse, ListCausesResponse__Output as _nodedoc_v1_ListCausesResponse__Output } from './nodedoc/v1/ListCausesResponse.js';
import type { ListNodesRequest as _nodedoc_v1_ListNodesRequest, ListNodesRequest__Output as _nodedoc_v1_ListNodesRequest__Output } from './nodedoc/v1/ListNodesRequest.js';
import type { ListNodesResponse as _nodedoc_v1_ListNodesResponse, ListNodesResponse__Output as _nodedoc_v1_ListNodesResponse__Output } from './nodedoc/v1/ListNodesResponse.js';
import type { NodeDetail as _nodedoc_v1_NodeDetail, NodeDetail__Output as _nodedoc_v1_NodeDetail__Output } from './nodedoc/v1/NodeDetail.js';
import type { NodeSummary as _nodedoc_v1_NodeSummary, NodeSummary__Output as _nodedoc_v1_NodeSummary__Output } from './nodedoc/v1/NodeSummary.js';
import type { QueryServiceClient as _nodedoc_v1_QueryServiceClient, QueryServiceDefinition as _nodedoc_v1_QueryServiceDefinition } from './nodedoc/v1/QueryService.js';
import type { Report as _nodedoc_v1_Report, Report__Output as _nodedoc_v1_Report__Output } from './nodedoc/v1/Report.js';
import type { SignalReading as _nodedoc_v1_SignalReading, SignalReading__Output as _nodedoc_v1_SignalReading__Output } from './nodedoc/v1/SignalReading.js';
import type { TimelinePoint as _nodedoc_v1_TimelinePoint, TimelinePoint__Output as _nodedoc_v1_TimelinePoint__Output } from './nodedoc/v1/TimelinePoint.js';
import type { Vitals as _nodedoc_v1_Vitals, Vitals__Output as _nodedoc_v1_Vitals__Output } from './nodedoc/v1/Vitals.js';
import type { WatchDiagnosesRequest as _nodedoc_v1_WatchDiagnosesRequest, WatchDiagnosesRequest__Output as _nodedoc_v1_WatchDiagnosesRequest__Output } from './nodedoc/v1/WatchDiagnosesRequest.js';

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
      Cause: MessageTypeDefinition<_nodedoc_v1_Cause, _nodedoc_v1_Cause__Output>
      CauseId: EnumTypeDefinition
      CauseInfo: MessageTypeDefinition<_nodedoc_v1_CauseInfo, _nodedoc_v1_CauseInfo__Output>
      CheckId: EnumTypeDefinition
      Evidence: MessageTypeDefinition<_nodedoc_v1_Evidence, _nodedoc_v1_Evidence__Output>
      Finding: MessageTypeDefinition<_nodedoc_v1_Finding, _nodedoc_v1_Finding__Output>
      GetNodeRequest: MessageTypeDefinition<_nodedoc_v1_GetNodeRequest, _nodedoc_v1_GetNodeRequest__Output>
      GetTimelineRequest: MessageTypeDefinition<_nodedoc_v1_GetTimelineRequest, _nodedoc_v1_GetTimelineRequest__Output>
      GetTimelineResponse: MessageTypeDefinition<_nodedoc_v1_GetTimelineResponse, _nodedoc_v1_GetTimelineResponse__Output>
      IngestStats: MessageTypeDefinition<_nodedoc_v1_IngestStats, _nodedoc_v1_IngestStats__Output>
      ListCausesRequest: MessageTypeDefinition<_nodedoc_v1_ListCausesRequest, _nodedoc_v1_ListCausesRequest__Output>
      ListCausesResponse: MessageTypeDefinition<_nodedoc_v1_ListCausesResponse, _nodedoc_v1_ListCausesResponse__Output>
      ListNodesRequest: MessageTypeDefinition<_nodedoc_v1_ListNodesRequest, _nodedoc_v1_ListNodesRequest__Output>
      ListNodesResponse: MessageTypeDefinition<_nodedoc_v1_ListNodesResponse, _nodedoc_v1_ListNodesResponse__Output>
      NodeDetail: MessageTypeDefinition<_nodedoc_v1_NodeDetail, _nodedoc_v1_NodeDetail__Output>
      NodeStatus: EnumTypeDefinition
      NodeSummary: MessageTypeDefinition<_nodedoc_v1_NodeSummary, _nodedoc_v1_NodeSummary__Output>
      QueryService: SubtypeConstructor<typeof grpc.Client, _nodedoc_v1_QueryServiceClient> & { service: _nodedoc_v1_QueryServiceDefinition }
      Report: MessageTypeDefinition<_nodedoc_v1_Report, _nodedoc_v1_Report__Output>
      Scope: EnumTypeDefinition
      Severity: EnumTypeDefinition
      SignalReading: MessageTypeDefinition<_nodedoc_v1_SignalReading, _nodedoc_v1_SignalReading__Output>
      SignalState: EnumTypeDefinition
      TimelinePoint: MessageTypeDefinition<_nodedoc_v1_TimelinePoint, _nodedoc_v1_TimelinePoint__Output>
      Vitals: MessageTypeDefinition<_nodedoc_v1_Vitals, _nodedoc_v1_Vitals__Output>
      WatchDiagnosesRequest: MessageTypeDefinition<_nodedoc_v1_WatchDiagnosesRequest, _nodedoc_v1_WatchDiagnosesRequest__Output>
    }
  }
}

