// Original file: nodedoc/v1/agent_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The answer to Hello.
 */
export interface Welcome {
  /**
   * The highest sequence of this epoch the collector has stored (0 when none): the agent may drop
   * everything up to it from its spool and replay the rest.
   */
  'storedSequence'?: (number | string | Long);
  'collectorTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * The answer to Hello.
 */
export interface Welcome__Output {
  /**
   * The highest sequence of this epoch the collector has stored (0 when none): the agent may drop
   * everything up to it from its spool and replay the rest.
   */
  'storedSequence': (string);
  'collectorTime': (_google_protobuf_Timestamp__Output | null);
}
