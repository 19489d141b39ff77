/**
 * Vitals as twelve nullable REAL columns of the timeline (charts and fleet comparisons read them without
 * parsing anything) and as a JSON object in the node's latest report.
 *
 * proto-loader (oneofs: true) marks every proto3 `optional` field that is set with a virtual oneof key:
 * `{cpuBusyRatio: 0.5, _cpuBusyRatio: 'cpuBusyRatio'}`. The markers are not stored; decoding puts them back,
 * so what the store returns has the shape a decoded message has.
 */
import type { Vitals__Output } from '../../proto/gen/nodedoc/v1/Vitals.js';
import { StoreInputError } from './store-errors.js';

export const VITAL_FIELDS = [
  'cpuPressureRatio',
  'cpuBusyRatio',
  'memoryAvailableBytes',
  'memoryTotalBytes',
  'memoryPressureRatio',
  'diskUsedRatio',
  'inodesUsedRatio',
  'ioPressureRatio',
  'conntrackUtilizationRatio',
  'dnsP95Seconds',
  'dnsFailureRatio',
  'threadsRatio',
] as const;

export type VitalField = (typeof VITAL_FIELDS)[number];
type VitalKey = Exclude<keyof Vitals__Output, `_${string}`>;
/** Fails to compile when the proto gains a vital that is not listed above (the reverse is checked by `VitalField`). */
const EVERY_VITAL_LISTED: [VitalKey] extends [VitalField] ? true : never = true;
void EVERY_VITAL_LISTED;

/** cpuPressureRatio -> cpu_pressure_ratio: the timeline's column for a vital. */
export function vitalColumn(field: VitalField): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export const VITAL_COLUMNS: readonly string[] = VITAL_FIELDS.map(vitalColumn);

/** Refuses NaN and infinities: SQLite would store NaN as NULL and JSON would turn both into null. */
export function checkVitals(vitals: Vitals__Output | null): void {
  if (!vitals) return;
  for (const field of VITAL_FIELDS) {
    const value = vitals[field];
    if (value !== undefined && value !== null && !Number.isFinite(value)) {
      throw new StoreInputError(`vitals.${field} is ${value}: only finite numbers can be stored`);
    }
  }
}

/** The twelve column values, in VITAL_FIELDS order (null = unset). */
export function vitalsToColumns(vitals: Vitals__Output | null): (number | null)[] {
  return VITAL_FIELDS.map((field) => vitals?.[field] ?? null);
}

function withMarkers(values: ReadonlyArray<readonly [VitalField, number]>): Vitals__Output {
  const vitals: Record<string, number | string> = {};
  for (const [field, value] of values) {
    vitals[field] = value;
    vitals[`_${field}`] = field;
  }
  return vitals as Vitals__Output;
}

export function vitalsFromColumns(hasVitals: boolean, columns: readonly unknown[]): Vitals__Output | null {
  if (!hasVitals) return null;
  const set: [VitalField, number][] = [];
  VITAL_FIELDS.forEach((field, index) => {
    const value = columns[index];
    if (value !== null && value !== undefined) set.push([field, Number(value)]);
  });
  return withMarkers(set);
}

/**
 * The latest report's vitals: the column values as a JSON array (the one the timeline row binds, already
 * computed), or NULL for no Vitals message. A vital added to the proto is appended to VITAL_FIELDS, so an
 * array written before reads it as unset.
 */
export function vitalsToJson(hasVitals: boolean, columns: readonly (number | null)[]): string | null {
  return hasVitals ? JSON.stringify(columns) : null;
}

export function vitalsFromJson(json: string | null): Vitals__Output | null {
  if (json === null) return null;
  return vitalsFromColumns(true, JSON.parse(json) as unknown[]);
}
