// Original file: nodedoc/v1/ids.proto

/**
 * Whether a cause is about one node or about many at once.
 */
export const Scope = {
  SCOPE_UNSPECIFIED: 'SCOPE_UNSPECIFIED',
  SCOPE_NODE: 'SCOPE_NODE',
  /**
   * The same symptom on a large share of the fleet: it points at something shared (CoreDNS, upstream).
   */
  SCOPE_FLEET: 'SCOPE_FLEET',
} as const;

/**
 * Whether a cause is about one node or about many at once.
 */
export type Scope =
  | 'SCOPE_UNSPECIFIED'
  | 0
  | 'SCOPE_NODE'
  | 1
  /**
   * The same symptom on a large share of the fleet: it points at something shared (CoreDNS, upstream).
   */
  | 'SCOPE_FLEET'
  | 2

/**
 * Whether a cause is about one node or about many at once.
 */
export type Scope__Output = typeof Scope[keyof typeof Scope]
