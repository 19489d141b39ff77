// Original file: nodedoc/v1/report.proto

import type { SignalState as _nodedoc_v1_SignalState, SignalState__Output as _nodedoc_v1_SignalState__Output } from '../../nodedoc/v1/SignalState.js';

/**
 * The state of one signal this cycle.
 */
export interface SignalReading {
  /**
   * The signal's name as in the agent's JSON (`cpu`, `memory`, `dns`, ...).
   */
  'signal'?: (string);
  'state'?: (_nodedoc_v1_SignalState);
  /**
   * Why the signal is absent, unavailable or down; empty when ok.
   */
  'reason'?: (string);
}

/**
 * The state of one signal this cycle.
 */
export interface SignalReading__Output {
  /**
   * The signal's name as in the agent's JSON (`cpu`, `memory`, `dns`, ...).
   */
  'signal': (string);
  'state': (_nodedoc_v1_SignalState__Output);
  /**
   * Why the signal is absent, unavailable or down; empty when ok.
   */
  'reason': (string);
}
