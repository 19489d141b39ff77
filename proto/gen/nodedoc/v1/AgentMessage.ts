// Original file: nodedoc/v1/agent_service.proto

import type { Hello as _nodedoc_v1_Hello, Hello__Output as _nodedoc_v1_Hello__Output } from '../../nodedoc/v1/Hello.js';
import type { Batch as _nodedoc_v1_Batch, Batch__Output as _nodedoc_v1_Batch__Output } from '../../nodedoc/v1/Batch.js';

export interface AgentMessage {
  'hello'?: (_nodedoc_v1_Hello | null);
  'batch'?: (_nodedoc_v1_Batch | null);
  'body'?: "hello"|"batch";
}

export interface AgentMessage__Output {
  'hello'?: (_nodedoc_v1_Hello__Output | null);
  'batch'?: (_nodedoc_v1_Batch__Output | null);
  'body'?: "hello"|"batch";
}
