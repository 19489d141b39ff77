import { collectorError } from '../errors.js';
import { MAX_TIMELINE_LIMIT } from '../store/sqlite-store.js';
import { toRfc3339 } from '../views/timestamps.js';

/** Without `since`, a timeline covers the hour before `until`. */
export const DEFAULT_TIMELINE_WINDOW_MS = 3_600_000;
/** Points returned when no limit is asked for: an hour at a 4 s interval, or ~3 h at the default 10 s. */
export const DEFAULT_TIMELINE_LIMIT = 1_000;
/** The most the store returns in one query (a day at the default 10 s interval is 8,640 points). */
export { MAX_TIMELINE_LIMIT };

export interface TimelineWindow {
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly limit: number;
}

/**
 * Applies defaults (undefined: not asked for) and checks the window; throws INVALID_PARAMETER or
 * EMPTY_TIME_RANGE.
 */
export function timelineWindow(
  asked: { sinceMs?: number | undefined; untilMs?: number | undefined; limit?: number | undefined },
  nowMs: number,
): TimelineWindow {
  const untilMs = asked.untilMs ?? nowMs;
  const sinceMs = asked.sinceMs ?? untilMs - DEFAULT_TIMELINE_WINDOW_MS;
  if (sinceMs >= untilMs) {
    throw collectorError('EMPTY_TIME_RANGE', { since: toRfc3339(sinceMs), until: toRfc3339(untilMs) });
  }
  const limit = asked.limit ?? DEFAULT_TIMELINE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TIMELINE_LIMIT) {
    throw collectorError('INVALID_PARAMETER', {
      name: 'limit',
      reason: `${asked.limit} is not a whole number from 1 to ${MAX_TIMELINE_LIMIT}`,
    });
  }
  return { sinceMs, untilMs, limit };
}
