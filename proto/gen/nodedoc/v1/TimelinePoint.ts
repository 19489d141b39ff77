// Original file: nodedoc/v1/query_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Vitals as _nodedoc_v1_Vitals, Vitals__Output as _nodedoc_v1_Vitals__Output } from '../../nodedoc/v1/Vitals.js';
import type { Finding as _nodedoc_v1_Finding, Finding__Output as _nodedoc_v1_Finding__Output } from '../../nodedoc/v1/Finding.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One stored report, condensed.
 */
export interface TimelinePoint {
  'sequence'?: (number | string | Long);
  'sampledAt'?: (_google_protobuf_Timestamp | null);
  'receivedAt'?: (_google_protobuf_Timestamp | null);
  'bootId'?: (string);
  'vitals'?: (_nodedoc_v1_Vitals | null);
  'findings'?: (_nodedoc_v1_Finding)[];
}

/**
 * One stored report, condensed.
 */
export interface TimelinePoint__Output {
  'sequence': (string);
  'sampledAt': (_google_protobuf_Timestamp__Output | null);
  'receivedAt': (_google_protobuf_Timestamp__Output | null);
  'bootId': (string);
  'vitals': (_nodedoc_v1_Vitals__Output | null);
  'findings': (_nodedoc_v1_Finding__Output)[];
}
