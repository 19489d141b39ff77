// Original file: nodedoc/v1/ids.proto

/**
 * What the collector concludes about a node as a whole (the API's `status`).
 */
export const NodeStatus = {
  NODE_STATUS_UNSPECIFIED: 'NODE_STATUS_UNSPECIFIED',
  /**
   * Nothing wrong that the evidence shows.
   */
  NODE_STATUS_READY: 'NODE_STATUS_READY',
  /**
   * Warnings: headroom running out, the node is likely to become NotReady.
   */
  NODE_STATUS_AT_RISK: 'NODE_STATUS_AT_RISK',
  /**
   * The node cannot run pods (from the Kubernetes API when in a cluster, else from critical findings).
   */
  NODE_STATUS_NOT_READY: 'NODE_STATUS_NOT_READY',
  /**
   * The agent has been silent for more than three intervals.
   */
  NODE_STATUS_UNREACHABLE: 'NODE_STATUS_UNREACHABLE',
} as const;

/**
 * What the collector concludes about a node as a whole (the API's `status`).
 */
export type NodeStatus =
  | 'NODE_STATUS_UNSPECIFIED'
  | 0
  /**
   * Nothing wrong that the evidence shows.
   */
  | 'NODE_STATUS_READY'
  | 1
  /**
   * Warnings: headroom running out, the node is likely to become NotReady.
   */
  | 'NODE_STATUS_AT_RISK'
  | 2
  /**
   * The node cannot run pods (from the Kubernetes API when in a cluster, else from critical findings).
   */
  | 'NODE_STATUS_NOT_READY'
  | 3
  /**
   * The agent has been silent for more than three intervals.
   */
  | 'NODE_STATUS_UNREACHABLE'
  | 4

/**
 * What the collector concludes about a node as a whole (the API's `status`).
 */
export type NodeStatus__Output = typeof NodeStatus[keyof typeof NodeStatus]
