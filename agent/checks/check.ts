import { CHECK_CAUSE } from '../../common/check-causes.js';
import type { CheckIdString, SeverityString } from '../../common/ids.js';
import type { Thresholds } from '../config/thresholds.js';
import type { Finding } from '../finding.js';
import type { ProbeFailure } from '../probes/probe-failure.js';
import type { Samples } from '../sample-types.js';

/** A rule: pure function from one cycle's samples to findings. State (streaks, windows) lives in signals. */
export type Check = (samples: Samples, thresholds: Thresholds) => Finding[];

/** Builds a finding with its cause filled in from the check id. */
export function finding(
  check: CheckIdString,
  severity: SeverityString,
  summary: string,
  value: number | null,
  threshold: number | null,
  extra: { subject?: string; details?: Record<string, unknown> } = {},
): Finding {
  return { check, cause: CHECK_CAUSE[check], severity, summary, value, threshold, ...extra };
}

/**
 * A failed probe's finding details: how it failed (`failure`), which the collector reads to tell a daemon
 * too starved to answer in time from one that is down (collector/diagnosis/cause-relations.ts).
 */
export function probeFailureDetails(failure: ProbeFailure | undefined): {
  details?: Record<string, unknown>;
} {
  return failure === undefined ? {} : { details: { failure } };
}
