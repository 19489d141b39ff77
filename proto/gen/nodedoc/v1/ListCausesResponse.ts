// Original file: nodedoc/v1/query_service.proto

import type { CauseInfo as _nodedoc_v1_CauseInfo, CauseInfo__Output as _nodedoc_v1_CauseInfo__Output } from '../../nodedoc/v1/CauseInfo.js';

export interface ListCausesResponse {
  'causes'?: (_nodedoc_v1_CauseInfo)[];
}

export interface ListCausesResponse__Output {
  'causes': (_nodedoc_v1_CauseInfo__Output)[];
}
