// Original file: nodedoc/v1/query_service.proto

import type { TimelinePoint as _nodedoc_v1_TimelinePoint, TimelinePoint__Output as _nodedoc_v1_TimelinePoint__Output } from '../../nodedoc/v1/TimelinePoint.js';

export interface GetTimelineResponse {
  'node'?: (string);
  'points'?: (_nodedoc_v1_TimelinePoint)[];
}

export interface GetTimelineResponse__Output {
  'node': (string);
  'points': (_nodedoc_v1_TimelinePoint__Output)[];
}
