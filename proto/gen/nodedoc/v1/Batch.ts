// Original file: nodedoc/v1/agent_service.proto

import type { Report as _nodedoc_v1_Report, Report__Output as _nodedoc_v1_Report__Output } from '../../nodedoc/v1/Report.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * Reports in sequence order. An agent sends one per cycle, and several when replaying its spool.
 */
export interface Batch {
  'reports'?: (_nodedoc_v1_Report)[];
  /**
   * When the agent handed the batch to the stream, by its clock (with the ack round trip, the collector
   * estimates clock skew from it).
   */
  'sentAt'?: (_google_protobuf_Timestamp | null);
  /**
   * The round trip of the agent's previous batch to its ack, seconds; 0 when not known yet.
   */
  'lastAckRttSeconds'?: (number | string);
}

/**
 * Reports in sequence order. An agent sends one per cycle, and several when replaying its spool.
 */
export interface Batch__Output {
  'reports': (_nodedoc_v1_Report__Output)[];
  /**
   * When the agent handed the batch to the stream, by its clock (with the ack round trip, the collector
   * estimates clock skew from it).
   */
  'sentAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * The round trip of the agent's previous batch to its ack, seconds; 0 when not known yet.
   */
  'lastAckRttSeconds': (number);
}
