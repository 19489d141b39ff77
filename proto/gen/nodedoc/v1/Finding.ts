// Original file: nodedoc/v1/report.proto

import type { CheckId as _nodedoc_v1_CheckId, CheckId__Output as _nodedoc_v1_CheckId__Output } from '../../nodedoc/v1/CheckId.js';
import type { CauseId as _nodedoc_v1_CauseId, CauseId__Output as _nodedoc_v1_CauseId__Output } from '../../nodedoc/v1/CauseId.js';
import type { Severity as _nodedoc_v1_Severity, Severity__Output as _nodedoc_v1_Severity__Output } from '../../nodedoc/v1/Severity.js';

/**
 * A symptom the agent saw, with the number that tripped it (the agent's `findings[]`).
 */
export interface Finding {
  'check'?: (_nodedoc_v1_CheckId);
  /**
   * The cause the check points at; fixed per check.
   */
  'cause'?: (_nodedoc_v1_CauseId);
  'severity'?: (_nodedoc_v1_Severity);
  /**
   * One sentence with the numbers, for the person who was paged.
   */
  'summary'?: (string);
  /**
   * The measured value in base units (bytes, seconds, ratio 0-1, count); unset when not numeric.
   */
  'value'?: (number | string);
  /**
   * The threshold the value crossed, same unit; unset for events.
   */
  'threshold'?: (number | string);
  /**
   * What the finding is about when a check can fire several times (a path, a DNS server, a cgroup).
   */
  'subject'?: (string);
  /**
   * Extra structured evidence (OOM victims, kernel-log lines) as a JSON object; empty when none.
   */
  'detailsJson'?: (string);
  '_value'?: "value";
  '_threshold'?: "threshold";
}

/**
 * A symptom the agent saw, with the number that tripped it (the agent's `findings[]`).
 */
export interface Finding__Output {
  'check': (_nodedoc_v1_CheckId__Output);
  /**
   * The cause the check points at; fixed per check.
   */
  'cause': (_nodedoc_v1_CauseId__Output);
  'severity': (_nodedoc_v1_Severity__Output);
  /**
   * One sentence with the numbers, for the person who was paged.
   */
  'summary': (string);
  /**
   * The measured value in base units (bytes, seconds, ratio 0-1, count); unset when not numeric.
   */
  'value'?: (number);
  /**
   * The threshold the value crossed, same unit; unset for events.
   */
  'threshold'?: (number);
  /**
   * What the finding is about when a check can fire several times (a path, a DNS server, a cgroup).
   */
  'subject': (string);
  /**
   * Extra structured evidence (OOM victims, kernel-log lines) as a JSON object; empty when none.
   */
  'detailsJson': (string);
  '_value'?: "value";
  '_threshold'?: "threshold";
}
