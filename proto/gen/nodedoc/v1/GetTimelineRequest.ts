// Original file: nodedoc/v1/query_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface GetTimelineRequest {
  'node'?: (string);
  /**
   * Window start; unset means one hour before `until`.
   */
  'since'?: (_google_protobuf_Timestamp | null);
  /**
   * Window end; unset means now.
   */
  'until'?: (_google_protobuf_Timestamp | null);
  /**
   * At most this many points, newest kept; 0 means the server's default.
   */
  'limit'?: (number);
}

export interface GetTimelineRequest__Output {
  'node': (string);
  /**
   * Window start; unset means one hour before `until`.
   */
  'since': (_google_protobuf_Timestamp__Output | null);
  /**
   * Window end; unset means now.
   */
  'until': (_google_protobuf_Timestamp__Output | null);
  /**
   * At most this many points, newest kept; 0 means the server's default.
   */
  'limit': (number);
}
