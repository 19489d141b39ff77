// Original file: nodedoc/v1/ids.proto

/**
 * How urgent a finding or a cause is.
 */
export const Severity = {
  SEVERITY_UNSPECIFIED: 'SEVERITY_UNSPECIFIED',
  /**
   * Worth knowing; not a reason for NotReady.
   */
  SEVERITY_INFO: 'SEVERITY_INFO',
  /**
   * Headroom is running out; the node is at risk.
   */
  SEVERITY_WARNING: 'SEVERITY_WARNING',
  /**
   * The node is, or is about to be, unable to run pods.
   */
  SEVERITY_CRITICAL: 'SEVERITY_CRITICAL',
} as const;

/**
 * How urgent a finding or a cause is.
 */
export type Severity =
  | 'SEVERITY_UNSPECIFIED'
  | 0
  /**
   * Worth knowing; not a reason for NotReady.
   */
  | 'SEVERITY_INFO'
  | 1
  /**
   * Headroom is running out; the node is at risk.
   */
  | 'SEVERITY_WARNING'
  | 2
  /**
   * The node is, or is about to be, unable to run pods.
   */
  | 'SEVERITY_CRITICAL'
  | 3

/**
 * How urgent a finding or a cause is.
 */
export type Severity__Output = typeof Severity[keyof typeof Severity]
