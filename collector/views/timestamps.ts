import type { Timestamp } from '../../proto/gen/google/protobuf/Timestamp.js';

/** Unix ms to google.protobuf.Timestamp (nanos never negative, as the type requires). */
export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1_000);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * 1_000) * 1e6) };
}

/** RFC 3339 in UTC with milliseconds, as every JSON timestamp of the API. */
export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
