// Original file: nodedoc/v1/query_service.proto

import type { NodeStatus as _nodedoc_v1_NodeStatus, NodeStatus__Output as _nodedoc_v1_NodeStatus__Output } from '../../nodedoc/v1/NodeStatus.js';
import type { Cause as _nodedoc_v1_Cause, Cause__Output as _nodedoc_v1_Cause__Output } from '../../nodedoc/v1/Cause.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface NodeSummary {
  'node'?: (string);
  'status'?: (_nodedoc_v1_NodeStatus);
  /**
   * The top cause, when there is one.
   */
  'causes'?: (_nodedoc_v1_Cause)[];
  'lastSeen'?: (_google_protobuf_Timestamp | null);
}

export interface NodeSummary__Output {
  'node': (string);
  'status': (_nodedoc_v1_NodeStatus__Output);
  /**
   * The top cause, when there is one.
   */
  'causes': (_nodedoc_v1_Cause__Output)[];
  'lastSeen': (_google_protobuf_Timestamp__Output | null);
}
