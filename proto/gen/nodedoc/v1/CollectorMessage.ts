// Original file: nodedoc/v1/agent_service.proto

import type { Welcome as _nodedoc_v1_Welcome, Welcome__Output as _nodedoc_v1_Welcome__Output } from '../../nodedoc/v1/Welcome.js';
import type { Ack as _nodedoc_v1_Ack, Ack__Output as _nodedoc_v1_Ack__Output } from '../../nodedoc/v1/Ack.js';
import type { Settings as _nodedoc_v1_Settings, Settings__Output as _nodedoc_v1_Settings__Output } from '../../nodedoc/v1/Settings.js';

export interface CollectorMessage {
  'welcome'?: (_nodedoc_v1_Welcome | null);
  'ack'?: (_nodedoc_v1_Ack | null);
  'settings'?: (_nodedoc_v1_Settings | null);
  'body'?: "welcome"|"ack"|"settings";
}

export interface CollectorMessage__Output {
  'welcome'?: (_nodedoc_v1_Welcome__Output | null);
  'ack'?: (_nodedoc_v1_Ack__Output | null);
  'settings'?: (_nodedoc_v1_Settings__Output | null);
  'body'?: "welcome"|"ack"|"settings";
}
