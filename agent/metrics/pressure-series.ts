import type { Pressure, PressureLine } from '../sample-types.js';
import type { Series } from './snapshot-gauge.js';

/**
 * One number of the some/full lines of one PSI resource as series labelled {resource, kind}; a line whose
 * number is not known (no interval share on the first sample) has no series.
 */
export function pressureSeries(
  resource: string,
  pressure: Pressure | null,
  pick: (line: PressureLine) => number | null,
): Series[] {
  if (!pressure) return [];
  const lines: [string, PressureLine | undefined][] = [
    ['some', pressure.some],
    ['full', pressure.full],
  ];
  return lines.flatMap(([kind, line]) => {
    const value = line ? pick(line) : null;
    return value === null ? [] : [[{ resource, kind }, value] as const];
  });
}
