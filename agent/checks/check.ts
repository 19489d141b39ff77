import { CHECK_CAUSE } from '../../common/check-causes.js';
import type { CheckIdString, SeverityString } from '../../common/ids.js';
import type { Thresholds } from '../config/thresholds.js';
import type { Finding } from '../finding.js';
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
