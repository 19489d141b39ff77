import type { Pressure } from '../sample-types.js';
import type { Series } from './snapshot-gauge.js';

/** avg10 of the some/full lines of one PSI resource as series labelled {resource, kind}. */
export function pressureSeries(resource: string, pressure: Pressure | null): Series[] {
  if (!pressure) return [];
  const series: Series[] = [[{ resource, kind: 'some' }, pressure.some.avg10Ratio]];
  if (pressure.full) series.push([{ resource, kind: 'full' }, pressure.full.avg10Ratio]);
  return series;
}
