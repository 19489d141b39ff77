/**
 * Enum values as decoded from the wire (enums: String, "CAUSE_ID_MEMORY_PRESSURE") to the kebab-case ids of
 * the JSON API ("memory-pressure"), the inverse of common/ids.ts's causeToProto.
 */
import type { SignalStateString } from '../../common/api/http-v1.js';
import type { CauseIdString, CheckIdString, SeverityString } from '../../common/ids.js';
import type { CauseId__Output } from '../../proto/gen/nodedoc/v1/CauseId.js';
import type { CheckId__Output } from '../../proto/gen/nodedoc/v1/CheckId.js';
import type { Severity__Output } from '../../proto/gen/nodedoc/v1/Severity.js';
import type { SignalState__Output } from '../../proto/gen/nodedoc/v1/SignalState.js';

function kebab(value: string | number, prefix: string): string {
  const text = String(value);
  return (text.startsWith(prefix) ? text.slice(prefix.length) : text).toLowerCase().replaceAll('_', '-');
}

// Validated input only ever carries known, specified values, so the casts below name what they hold.
export function causeFromProto(value: CauseId__Output): CauseIdString {
  return kebab(value, 'CAUSE_ID_') as CauseIdString;
}

export function checkFromProto(value: CheckId__Output): CheckIdString {
  return kebab(value, 'CHECK_ID_') as CheckIdString;
}

export function severityFromProto(value: Severity__Output): SeverityString {
  return kebab(value, 'SEVERITY_') as SeverityString;
}

export function signalStateFromProto(value: SignalState__Output): SignalStateString {
  return kebab(value, 'SIGNAL_STATE_') as SignalStateString;
}
