// Original file: nodedoc/v1/query_service.proto

import type { NodeStatus as _nodedoc_v1_NodeStatus, NodeStatus__Output as _nodedoc_v1_NodeStatus__Output } from '../../nodedoc/v1/NodeStatus.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Cause as _nodedoc_v1_Cause, Cause__Output as _nodedoc_v1_Cause__Output } from '../../nodedoc/v1/Cause.js';
import type { IngestStats as _nodedoc_v1_IngestStats, IngestStats__Output as _nodedoc_v1_IngestStats__Output } from '../../nodedoc/v1/IngestStats.js';
import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from '../../nodedoc/v1/Finding.js';
import type { SignalReading as _nodedoc_v1_SignalReading, SignalReading__Output as _nodedoc_v1_SignalReading__Output } from '../../nodedoc/v1/SignalReading.js';

export interface NodeDetail {
  'node'?: (string);
  'status'?: (_nodedoc_v1_NodeStatus);
  'lastSeen'?: (_google_protobuf_Timestamp | null);
  'bootId'?: (string);
  /**
   * Ranked, most likely first.
   */
  'causes'?: (_nodedoc_v1_Cause)[];
  'ingest'?: (_nodedoc_v1_IngestStats | null);
  'agentVersion'?: (string);
  'kernel'?: (string);
  'os'?: (string);
  /**
   * The latest report's findings and signal states.
   */
  'findings'?: (_nodedoc_v1_Finding)[];
  'signals'?: (_nodedoc_v1_SignalReading)[];
  /**
   * The latest full samples as JSON (the agent's schema).
   */
  'samplesJson'?: (string);
}

export interface NodeDetail__Output {
  'node': (string);
  'status': (_nodedoc_v1_NodeStatus__Output);
  'lastSeen': (_google_protobuf_Timestamp__Output | null);
  'bootId': (string);
  /**
   * Ranked, most likely first.
   */
  'causes': (_nodedoc_v1_Cause__Output)[];
  'ingest': (_nodedoc_v1_IngestStats__Output | null);
  'agentVersion': (string);
  'kernel': (string);
  'os': (string);
  /**
   * The latest report's findings and signal states.
   */
  'findings': (_nodedoc_v1_Finding__Output)[];
  'signals': (_nodedoc_v1_SignalReading__Output)[];
  /**
   * The latest full samples as JSON (the agent's schema).
   */
  'samplesJson': (string);
}
