import type { Duration, Duration__Output } from '../../proto/gen/google/protobuf/Duration.js';
import type { Timestamp } from '../../proto/gen/google/protobuf/Timestamp.js';

const MS_PER_SECOND = 1_000;
const NANOS_PER_MS = 1_000_000;

/** A wall-clock time as google.protobuf.Timestamp (seconds since the epoch as a decimal string, nanos). */
export function timestampFromMs(ms: number): Timestamp {
  const seconds = Math.floor(ms / MS_PER_SECOND);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * MS_PER_SECOND) * NANOS_PER_MS) };
}

/** A span of time as google.protobuf.Duration. */
export function durationFromMs(ms: number): Duration {
  const seconds = Math.floor(ms / MS_PER_SECOND);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * MS_PER_SECOND) * NANOS_PER_MS) };
}

/** A decoded google.protobuf.Duration in milliseconds; NaN when the seconds are not a number. */
export function msFromDuration(duration: Duration__Output): number {
  return Number(duration.seconds) * MS_PER_SECOND + duration.nanos / NANOS_PER_MS;
}
