import type { CauseIdString, CheckIdString, SeverityString } from '../common/ids.js';

/**
 * A symptom the agent saw, with the number that tripped it. Findings are evidence, not verdicts: the
 * collector weighs them into causes. The shape `{check, cause, severity, summary, value, threshold}` is
 * stable API (the brief); `subject` and `details` extend it.
 */
export interface Finding {
  readonly check: CheckIdString;
  /** The cause this check points at; fixed per check (see CHECK_CAUSE). */
  readonly cause: CauseIdString;
  readonly severity: SeverityString;
  /** One sentence with the numbers, written for the person who was just paged. */
  readonly summary: string;
  /** The measured value in base units (bytes, seconds, ratio 0-1, count); null when not numeric. */
  readonly value: number | null;
  /** The threshold the value crossed, in the same unit; null when the check is an event. */
  readonly threshold: number | null;
  /** What the finding is about when a check can fire several times: a path, a DNS server, a device. */
  readonly subject?: string;
  /** Extra structured evidence (OOM victims, kernel-log lines), small and JSON-safe. */
  readonly details?: Readonly<Record<string, unknown>>;
}
