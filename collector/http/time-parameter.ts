import { parseDuration } from '../../common/duration.js';
import { collectorError } from '../errors.js';

/** RFC 3339 date-time: full date, 'T', time with optional fraction, and a zone (Z or ±hh:mm). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Date.parse rolls "02-30" over into March; RFC 3339 says such a date does not exist. */
function fieldsInRange(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 61
  );
}

/**
 * A time query parameter: an RFC 3339 timestamp ("2026-11-23T10:00:00Z") or a duration meaning that long
 * before now ("1h", "90m"). Throws INVALID_PARAMETER for anything else.
 */
export function parseTimeParameter(name: string, text: string, nowMs: number): number {
  const match = RFC3339.exec(text);
  if (match && fieldsInRange(match)) {
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
