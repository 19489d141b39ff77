/**
 * Findings, signal readings and boot ids as stored. Findings and signals are JSON (findings are rare, and
 * read back whole); a boot id, repeated on every timeline row, is 16 bytes instead of 36 characters when it
 * is the UUID the kernel makes.
 */
import type { CauseId__Output } from '../../proto/gen/nodedoc/v1/CauseId.js';
import type { CheckId__Output } from '../../proto/gen/nodedoc/v1/CheckId.js';
import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';
import type { Severity__Output } from '../../proto/gen/nodedoc/v1/Severity.js';
import type { SignalReading__Output } from '../../proto/gen/nodedoc/v1/SignalReading.js';
import type { SignalState__Output } from '../../proto/gen/nodedoc/v1/SignalState.js';
import { StoreInputError } from './store-errors.js';

/** A finding without proto-loader's oneof markers (`_value`, `_threshold`), which decoding restores. */
interface StoredFinding {
  readonly check: string;
  readonly cause: string;
  readonly severity: string;
  readonly summary: string;
  readonly value?: number;
  readonly threshold?: number;
  readonly subject: string;
  readonly detailsJson: string;
}

function checkFinite(value: number | undefined, what: string): void {
  if (value !== undefined && value !== null && !Number.isFinite(value)) {
    throw new StoreInputError(`${what} is ${value}: only finite numbers can be stored`);
  }
}

/** Refuses what JSON cannot keep (NaN and infinities would come back as null). */
export function checkFindings(findings: readonly Finding__Output[]): void {
  findings.forEach((finding, index) => {
    checkFinite(finding.value, `findings[${index}].value`);
    checkFinite(finding.threshold, `findings[${index}].threshold`);
  });
}

/** JSON array, or NULL for none: most reports of a healthy fleet have no findings. */
export function findingsToJson(findings: readonly Finding__Output[]): string | null {
  if (findings.length === 0) return null;
  const stored: StoredFinding[] = findings.map((finding) => ({
    check: finding.check,
    cause: finding.cause,
    severity: finding.severity,
    summary: finding.summary,
    ...(finding.value === undefined || finding.value === null ? {} : { value: finding.value }),
    ...(finding.threshold === undefined || finding.threshold === null
      ? {}
      : { threshold: finding.threshold }),
    subject: finding.subject,
    detailsJson: finding.detailsJson,
  }));
  return JSON.stringify(stored);
}

export function findingsFromJson(json: string | null): Finding__Output[] {
  if (json === null) return [];
  return (JSON.parse(json) as StoredFinding[]).map((stored) => {
    const finding: Finding__Output = {
      // The enum strings were written from Finding__Output values, so they are members of these unions.
      check: stored.check as CheckId__Output,
      cause: stored.cause as CauseId__Output,
      severity: stored.severity as Severity__Output,
      summary: stored.summary,
      subject: stored.subject,
      detailsJson: stored.detailsJson,
    };
    if (stored.value !== undefined) {
      finding.value = stored.value;
      finding._value = 'value';
    }
    if (stored.threshold !== undefined) {
      finding.threshold = stored.threshold;
      finding._threshold = 'threshold';
    }
    return finding;
  });
}

/** Readings as decoded ({signal, state, reason}, no oneof markers), stringified as they are: it is cheap. */
export function signalsToJson(signals: readonly SignalReading__Output[]): string {
  return JSON.stringify(signals);
}

export function signalsFromJson(json: string): SignalReading__Output[] {
  return (JSON.parse(json) as { signal: string; state: string; reason: string }[]).map((stored) => ({
    signal: stored.signal,
    state: stored.state as SignalState__Output,
    reason: stored.reason,
  }));
}

/** What /proc/sys/kernel/random/boot_id holds: a lowercase UUID (upper case would not round-trip). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_BYTES = 16;

/**
 * A UUID boot id as its 16 bytes; anything else (empty, a hostile string) as text, unchanged. The bytes get
 * an ArrayBuffer of their own: a small Buffer is a view into Node's shared 8 KiB pool, and posting a view
 * to the writer thread would copy the whole pool.
 */
export function bootIdToColumn(bootId: string): Uint8Array | string {
  return UUID.test(bootId) ? new Uint8Array(Buffer.from(bootId.replaceAll('-', ''), 'hex')) : bootId;
}

export function bootIdFromColumn(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array && value.length === UUID_BYTES) {
    const hex = Buffer.from(value).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new Error(`unexpected stored boot id ${String(value)}`);
}
