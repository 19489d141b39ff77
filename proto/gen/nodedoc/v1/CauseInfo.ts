// Original file: nodedoc/v1/query_service.proto

import type { CauseId as _nodedoc_v1_CauseId, CauseId__Output as _nodedoc_v1_CauseId__Output } from '../../nodedoc/v1/CauseId.js';

/**
 * One cause of the taxonomy (what the collector can diagnose).
 */
export interface CauseInfo {
  'id'?: (_nodedoc_v1_CauseId);
  'title'?: (string);
  'runbook'?: (string);
}

/**
 * One cause of the taxonomy (what the collector can diagnose).
 */
export interface CauseInfo__Output {
  'id': (_nodedoc_v1_CauseId__Output);
  'title': (string);
  'runbook': (string);
}
