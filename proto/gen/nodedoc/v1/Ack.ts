// Original file: nodedoc/v1/agent_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Everything up to `sequence` in this epoch is stored (or was counted as a gap) and can be forgotten.
 */
export interface Ack {
  'sequence'?: (number | string | Long);
  'collectorTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * Everything up to `sequence` in this epoch is stored (or was counted as a gap) and can be forgotten.
 */
export interface Ack__Output {
  'sequence': (string);
  'collectorTime': (_google_protobuf_Timestamp__Output | null);
}
