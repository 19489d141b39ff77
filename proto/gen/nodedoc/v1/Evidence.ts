// Original file: nodedoc/v1/query_service.proto

import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from '../../nodedoc/v1/Finding.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * A finding (or another observation) a cause rests on, with when it was seen.
 */
export interface Evidence {
  'finding'?: (_nodedoc_v1_Finding | null);
  'firstSeen'?: (_google_protobuf_Timestamp | null);
  'lastSeen'?: (_google_protobuf_Timestamp | null);
}

/**
 * A finding (or another observation) a cause rests on, with when it was seen.
 */
export interface Evidence__Output {
  'finding': (_nodedoc_v1_Finding__Output | null);
  'firstSeen': (_google_protobuf_Timestamp__Output | null);
  'lastSeen': (_google_protobuf_Timestamp__Output | null);
}
