// Original file: nodedoc/v1/agent_service.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

/**
 * Settings the collector asks the agent to use; unset fields mean "keep yours".
 */
export interface Settings {
  'interval'?: (_google_protobuf_Duration | null);
}

/**
 * Settings the collector asks the agent to use; unset fields mean "keep yours".
 */
export interface Settings__Output {
  'interval': (_google_protobuf_Duration__Output | null);
}
