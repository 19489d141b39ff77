// Original file: nodedoc/v1/query_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetNodeRequest as _nodedoc_v1_GetNodeRequest, GetNodeRequest__Output as _nodedoc_v1_GetNodeRequest__Output } from '../../nodedoc/v1/GetNodeRequest.js';
import type { GetTimelineRequest as _nodedoc_v1_GetTimelineRequest, GetTimelineRequest__Output as _nodedoc_v1_GetTimelineRequest__Output } from '../../nodedoc/v1/GetTimelineRequest.js';
import type { GetTimelineResponse as _nodedoc_v1_GetTimelineResponse, GetTimelineResponse__Output as _nodedoc_v1_GetTimelineResponse__Output } from '../../nodedoc/v1/GetTimelineResponse.js';
import type { ListCausesRequest as _nodedoc_v1_ListCausesRequest, ListCausesRequest__Output as _nodedoc_v1_ListCausesRequest__Output } from '../../nodedoc/v1/ListCausesRequest.js';
import type { ListCausesResponse as _nodedoc_v1_ListCausesResponse, ListCausesResponse__Output as _nodedoc_v1_ListCausesResponse__Output } from '../../nodedoc/v1/ListCausesResponse.js';
import type { ListNodesRequest as _nodedoc_v1_ListNodesRequest, ListNodesRequest__Output as _nodedoc_v1_ListNodesRequest__Output } from '../../nodedoc/v1/ListNodesRequest.js';
import type { ListNodesResponse as _nodedoc_v1_ListNodesResponse, ListNodesResponse__Output as _nodedoc_v1_ListNodesResponse__Output } from '../../nodedoc/v1/ListNodesResponse.js';
import type { NodeDetail as _nodedoc_v1_NodeDetail, NodeDetail__Output as _nodedoc_v1_NodeDetail__Output } from '../../nodedoc/v1/NodeDetail.js';
import type { WatchDiagnosesRequest as _nodedoc_v1_WatchDiagnosesRequest, WatchDiagnosesRequest__Output as _nodedoc_v1_WatchDiagnosesRequest__Output } from '../../nodedoc/v1/WatchDiagnosesRequest.js';

export interface QueryServiceClient extends grpc.Client {
  /**
   * NOT_FOUND for a node the collector has never heard of.
   */
  GetNode(argument: _nodedoc_v1_GetNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _nodedoc_v1_GetNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _nodedoc_v1_GetNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _nodedoc_v1_GetNodeRequest, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  /**
   * NOT_FOUND for a node the collector has never heard of.
   */
  getNode(argument: _nodedoc_v1_GetNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  getNode(argument: _nodedoc_v1_GetNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  getNode(argument: _nodedoc_v1_GetNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  getNode(argument: _nodedoc_v1_GetNodeRequest, callback: grpc.requestCallback<_nodedoc_v1_NodeDetail__Output>): grpc.ClientUnaryCall;
  
  GetTimeline(argument: _nodedoc_v1_GetTimelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  GetTimeline(argument: _nodedoc_v1_GetTimelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  GetTimeline(argument: _nodedoc_v1_GetTimelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  GetTimeline(argument: _nodedoc_v1_GetTimelineRequest, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  getTimeline(argument: _nodedoc_v1_GetTimelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  getTimeline(argument: _nodedoc_v1_GetTimelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  getTimeline(argument: _nodedoc_v1_GetTimelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  getTimeline(argument: _nodedoc_v1_GetTimelineRequest, callback: grpc.requestCallback<_nodedoc_v1_GetTimelineResponse__Output>): grpc.ClientUnaryCall;
  
  ListCauses(argument: _nodedoc_v1_ListCausesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  ListCauses(argument: _nodedoc_v1_ListCausesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  ListCauses(argument: _nodedoc_v1_ListCausesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  ListCauses(argument: _nodedoc_v1_ListCausesRequest, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  listCauses(argument: _nodedoc_v1_ListCausesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  listCauses(argument: _nodedoc_v1_ListCausesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  listCauses(argument: _nodedoc_v1_ListCausesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  listCauses(argument: _nodedoc_v1_ListCausesRequest, callback: grpc.requestCallback<_nodedoc_v1_ListCausesResponse__Output>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _nodedoc_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _nodedoc_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _nodedoc_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _nodedoc_v1_ListNodesRequest, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _nodedoc_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _nodedoc_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _nodedoc_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _nodedoc_v1_ListNodesRequest, callback: grpc.requestCallback<_nodedoc_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The current diagnosis of every node (or one), then every change as it happens.
   */
  WatchDiagnoses(argument: _nodedoc_v1_WatchDiagnosesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nodedoc_v1_NodeDetail__Output>;
  WatchDiagnoses(argument: _nodedoc_v1_WatchDiagnosesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nodedoc_v1_NodeDetail__Output>;
  /**
   * The current diagnosis of every node (or one), then every change as it happens.
   */
  watchDiagnoses(argument: _nodedoc_v1_WatchDiagnosesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nodedoc_v1_NodeDetail__Output>;
  watchDiagnoses(argument: _nodedoc_v1_WatchDiagnosesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nodedoc_v1_NodeDetail__Output>;
  
}

export interface QueryServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * NOT_FOUND for a node the collector has never heard of.
   */
  GetNode: grpc.handleUnaryCall<_nodedoc_v1_GetNodeRequest__Output, _nodedoc_v1_NodeDetail>;
  
  GetTimeline: grpc.handleUnaryCall<_nodedoc_v1_GetTimelineRequest__Output, _nodedoc_v1_GetTimelineResponse>;
  
  ListCauses: grpc.handleUnaryCall<_nodedoc_v1_ListCausesRequest__Output, _nodedoc_v1_ListCausesResponse>;
  
  ListNodes: grpc.handleUnaryCall<_nodedoc_v1_ListNodesRequest__Output, _nodedoc_v1_ListNodesResponse>;
  
  /**
   * The current diagnosis of every node (or one), then every change as it happens.
   */
  WatchDiagnoses: grpc.handleServerStreamingCall<_nodedoc_v1_WatchDiagnosesRequest__Output, _nodedoc_v1_NodeDetail>;
  
}

export interface QueryServiceDefinition extends grpc.ServiceDefinition {
  GetNode: MethodDefinition<_nodedoc_v1_GetNodeRequest, _nodedoc_v1_NodeDetail, _nodedoc_v1_GetNodeRequest__Output, _nodedoc_v1_NodeDetail__Output>
  GetTimeline: MethodDefinition<_nodedoc_v1_GetTimelineRequest, _nodedoc_v1_GetTimelineResponse, _nodedoc_v1_GetTimelineRequest__Output, _nodedoc_v1_GetTimelineResponse__Output>
  ListCauses: MethodDefinition<_nodedoc_v1_ListCausesRequest, _nodedoc_v1_ListCausesResponse, _nodedoc_v1_ListCausesRequest__Output, _nodedoc_v1_ListCausesResponse__Output>
  ListNodes: MethodDefinition<_nodedoc_v1_ListNodesRequest, _nodedoc_v1_ListNodesResponse, _nodedoc_v1_ListNodesRequest__Output, _nodedoc_v1_ListNodesResponse__Output>
  WatchDiagnoses: MethodDefinition<_nodedoc_v1_WatchDiagnosesRequest, _nodedoc_v1_NodeDetail, _nodedoc_v1_WatchDiagnosesRequest__Output, _nodedoc_v1_NodeDetail__Output>
}
