// Original file: nodedoc/v1/query_service.proto

import type { CauseId as _nodedoc_v1_CauseId, CauseId__Output as _nodedoc_v1_CauseId__Output } from '../../nodedoc/v1/CauseId.js';
import type { Scope as _nodedoc_v1_Scope, Scope__Output as _nodedoc_v1_Scope__Output } from '../../nodedoc/v1/Scope.js';
import type { Severity as _nodedoc_v1_Severity, Severity__Output as _nodedoc_v1_Severity__Output } from '../../nodedoc/v1/Severity.js';
import type { Evidence as _nodedoc_v1_Evidence, Evidence__Output as _nodedoc_v1_Evidence__Output } from '../../nodedoc/v1/Evidence.js';

/**
 * Why a node is (or is about to be) NotReady.
 */
export interface Cause {
  'id'?: (_nodedoc_v1_CauseId);
  'scope'?: (_nodedoc_v1_Scope);
  'severity'?: (_nodedoc_v1_Severity);
  /**
   * 0-1: how strongly the evidence supports this cause.
   */
  'confidence'?: (number | string);
  /**
   * One sentence with the numbers.
   */
  'summary'?: (string);
  'evidence'?: (_nodedoc_v1_Evidence)[];
  /**
   * Ordered, concrete steps.
   */
  'remediation'?: (string)[];
  /**
   * URL of the cause's runbook.
   */
  'runbook'?: (string);
}

/**
 * Why a node is (or is about to be) NotReady.
 */
export interface Cause__Output {
  'id': (_nodedoc_v1_CauseId__Output);
  'scope': (_nodedoc_v1_Scope__Output);
  'severity': (_nodedoc_v1_Severity__Output);
  /**
   * 0-1: how strongly the evidence supports this cause.
   */
  'confidence': (number);
  /**
   * One sentence with the numbers.
   */
  'summary': (string);
  'evidence': (_nodedoc_v1_Evidence__Output)[];
  /**
   * Ordered, concrete steps.
   */
  'remediation': (string)[];
  /**
   * URL of the cause's runbook.
   */
  'runbook': (string);
}
