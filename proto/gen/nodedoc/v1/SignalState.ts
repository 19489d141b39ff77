// Original file: nodedoc/v1/ids.proto

/**
 * The state of one sampled signal in one report (mirrors the agent's `status`).
 */
export const SignalState = {
  SIGNAL_STATE_UNSPECIFIED: 'SIGNAL_STATE_UNSPECIFIED',
  SIGNAL_STATE_OK: 'SIGNAL_STATE_OK',
  /**
   * Not on this host (no kubelet on a laptop, conntrack not loaded): not a fault.
   */
  SIGNAL_STATE_ABSENT: 'SIGNAL_STATE_ABSENT',
  /**
   * Could not be read this cycle (missing or malformed file, timeout).
   */
  SIGNAL_STATE_UNAVAILABLE: 'SIGNAL_STATE_UNAVAILABLE',
  /**
   * A probed endpoint that exists and does not answer.
   */
  SIGNAL_STATE_DOWN: 'SIGNAL_STATE_DOWN',
} as const;

/**
 * The state of one sampled signal in one report (mirrors the agent's `status`).
 */
export type SignalState =
  | 'SIGNAL_STATE_UNSPECIFIED'
  | 0
  | 'SIGNAL_STATE_OK'
  | 1
  /**
   * Not on this host (no kubelet on a laptop, conntrack not loaded): not a fault.
   */
  | 'SIGNAL_STATE_ABSENT'
  | 2
  /**
   * Could not be read this cycle (missing or malformed file, timeout).
   */
  | 'SIGNAL_STATE_UNAVAILABLE'
  | 3
  /**
   * A probed endpoint that exists and does not answer.
   */
  | 'SIGNAL_STATE_DOWN'
  | 4

/**
 * The state of one sampled signal in one report (mirrors the agent's `status`).
 */
export type SignalState__Output = typeof SignalState[keyof typeof SignalState]
