import { parseDuration } from '../../common/duration.js';
import { collectorError } from '../errors.js';

/** RFC 3339 date-time: full date, 'T', time with optional fraction, and a zone (Z or ±hh:mm). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A time query parameter: an RFC 3339 timestamp ("2026-11-23T10:00:00Z") or a duration meaning that long
 * before now ("1h", "90m"). Throws INVALID_PARAMETER for anything else.
 */
export function parseTimeParameter(name: string, text: string, nowMs: number): number {
  if (RFC3339.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  const ago = parseDuration(text);
  if (ago !== undefined) return nowMs - ago;
  throw collectorError('INVALID_PARAMETER', {
    name,
    reason: `${JSON.stringify(text)} is neither an RFC 3339 time (2026-11-23T10:00:00Z) nor a duration before now (1h, 90m)`,
  });
}

/** A whole number parameter. */
export function parseIntegerParameter(name: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) {
    throw collectorError('INVALID_PARAMETER', {
      name,
      reason: `${JSON.stringify(text)} is not a whole number`,
    });
  }
  return Number(text);
}
