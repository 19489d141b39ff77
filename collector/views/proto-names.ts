/**
 * Signal states as decoded from the wire ("SIGNAL_STATE_DOWN") to the JSON API's strings ("down"). Cause,
 * check and severity ids convert in common/ids.ts, which the agent uses for the other direction.
 */
import type { SignalStateString } from '../../common/api/http-v1.js';
import type { SignalState__Output } from '../../proto/gen/nodedoc/v1/SignalState.js';

const PREFIX = 'SIGNAL_STATE_';

export function signalStateFromProto(value: SignalState__Output): SignalStateString {
  const text = String(value);
  return (text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text).toLowerCase() as SignalStateString;
}
