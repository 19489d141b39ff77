// Original file: nodedoc/v1/query_service.proto

import type { NodeSummary as _nodedoc_v1_NodeSummary, NodeSummary__Output as _nodedoc_v1_NodeSummary__Output } from '../../nodedoc/v1/NodeSummary.js';

export interface ListNodesResponse {
  'nodes'?: (_nodedoc_v1_NodeSummary)[];
}

export interface ListNodesResponse__Output {
  'nodes': (_nodedoc_v1_NodeSummary__Output)[];
}
