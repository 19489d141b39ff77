// Original file: nodedoc/v1/agent_service.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The first message of every stream.
 */
export interface Hello {
  /**
   * The node's name: a DNS-1123 subdomain. With mTLS it must match the client certificate's identity.
   */
  'nodeName'?: (string);
  'bootId'?: (string);
  'agentVersion'?: (string);
  'kernel'?: (string);
  'os'?: (string);
  /**
   * Signals this agent samples (`cpu`, `memory`, ...), so the collector can tell "not sampled" from "fine".
   */
  'capabilities'?: (string)[];
  /**
   * Identifies the agent's sequence space: random, chosen once per spool directory (or per process when
   * the agent keeps no spool). Sequences are compared only within an epoch.
   */
  'epoch'?: (number | string | Long);
  /**
   * The agent's sampling interval; the collector declares a node unreachable after three of them.
   */
  'interval'?: (_google_protobuf_Duration | null);
}

/**
 * The first message of every stream.
 */
export interface Hello__Output {
  /**
   * The node's name: a DNS-1123 subdomain. With mTLS it must match the client certificate's identity.
   */
  'nodeName': (string);
  'bootId': (string);
  'agentVersion': (string);
  'kernel': (string);
  'os': (string);
  /**
   * Signals this agent samples (`cpu`, `memory`, ...), so the collector can tell "not sampled" from "fine".
   */
  'capabilities': (string)[];
  /**
   * Identifies the agent's sequence space: random, chosen once per spool directory (or per process when
   * the agent keeps no spool). Sequences are compared only within an epoch.
   */
  'epoch': (string);
  /**
   * The agent's sampling interval; the collector declares a node unreachable after three of them.
   */
  'interval': (_google_protobuf_Duration__Output | null);
}
