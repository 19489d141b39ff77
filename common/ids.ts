/**
 * Check, cause and severity ids as the kebab-case strings used in JSON, flags, metrics labels and runbook
 * file names. They are derived from the proto enums (proto/nodedoc/v1/ids.proto), which stay the single
 * source of truth: CAUSE_ID_MEMORY_PRESSURE <-> "memory-pressure".
 */
import { CauseId } from '../proto/gen/nodedoc/v1/CauseId.js';
import { CheckId } from '../proto/gen/nodedoc/v1/CheckId.js';
import { Severity } from '../proto/gen/nodedoc/v1/Severity.js';

type Kebab<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}-${Kebab<Tail>}`
  : Lowercase<S>;
type Strip<S, Prefix extends string> = S extends `${Prefix}UNSPECIFIED`
  ? never
  : S extends `${Prefix}${infer Rest}`
    ? Rest
    : never;

export type CauseIdString = Kebab<Strip<keyof typeof CauseId, 'CAUSE_ID_'>>;
export type CheckIdString = Kebab<Strip<keyof typeof CheckId, 'CHECK_ID_'>>;
export type SeverityString = Kebab<Strip<keyof typeof Severity, 'SEVERITY_'>>;

function kebabValues<T extends string>(enumObject: Record<string, string>, prefix: string): readonly T[] {
  return Object.keys(enumObject)
    .filter((name) => name !== `${prefix}UNSPECIFIED`)
    .map((name) => name.slice(prefix.length).toLowerCase().replaceAll('_', '-') as T);
}

export const CAUSE_IDS: readonly CauseIdString[] = kebabValues(CauseId, 'CAUSE_ID_');
export const CHECK_IDS: readonly CheckIdString[] = kebabValues(CheckId, 'CHECK_ID_');
/** Ordered from least to most urgent, so an index comparison ranks severities. */
export const SEVERITIES: readonly SeverityString[] = kebabValues(Severity, 'SEVERITY_');

export function severityRank(severity: SeverityString): number {
  return SEVERITIES.indexOf(severity);
}

/** "memory-pressure" -> "CAUSE_ID_MEMORY_PRESSURE" (the proto enum value name). */
export function causeToProto(id: CauseIdString): keyof typeof CauseId {
  return `CAUSE_ID_${id.toUpperCase().replaceAll('-', '_')}` as keyof typeof CauseId;
}

export function checkToProto(id: CheckIdString): keyof typeof CheckId {
  return `CHECK_ID_${id.toUpperCase().replaceAll('-', '_')}` as keyof typeof CheckId;
}

export function severityToProto(severity: SeverityString): keyof typeof Severity {
  return `SEVERITY_${severity.toUpperCase()}` as keyof typeof Severity;
}

/** An enum value as decoded from the wire ("CAUSE_ID_MEMORY_PRESSURE") back to its kebab-case id. */
function fromProto(value: string | number, prefix: string): string {
  const text = String(value);
  return (text.startsWith(prefix) ? text.slice(prefix.length) : text).toLowerCase().replaceAll('_', '-');
}

// The wire side validates enum values before these are used, so the casts name what the values hold.
export function causeFromProto(value: string | number): CauseIdString {
  return fromProto(value, 'CAUSE_ID_') as CauseIdString;
}

export function checkFromProto(value: string | number): CheckIdString {
  return fromProto(value, 'CHECK_ID_') as CheckIdString;
}

export function severityFromProto(value: string | number): SeverityString {
  return fromProto(value, 'SEVERITY_') as SeverityString;
}

export function isCauseId(value: string): value is CauseIdString {
  return (CAUSE_IDS as readonly string[]).includes(value);
}
