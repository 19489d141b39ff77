/**
 * clock-skew: the agent's clock against the collector's, from the offset ingest estimates per batch
 * (collector/ingest/clock-offset.ts). The collector is the reference: when every node is "skewed", fleet
 * scope says to look at the shared time source or at the collector itself.
 */
import { formatDuration } from '../../common/duration.js';
import type { SeverityString } from '../../common/ids.js';
import type { EvidenceItem } from './diagnosis.js';

/**
 * Warning from 1 s: NTP-disciplined clocks agree within milliseconds, so a second means time sync is broken;
 * it is also where etcd starts warning about clock differences and where logs and traces from two machines
 * stop lining up for a person reading them.
 */
export const DEFAULT_CLOCK_SKEW_WARNING_MS = 1_000;
/**
 * Critical from 30 s: the API server's token validation and certificate checks allow on the order of a
 * minute of leeway, and the node lifecycle controller's 40 s grace period compares lease renewals: past half
 * a minute, TLS handshakes, service-account tokens and leases start to fail.
 */
export const DEFAULT_CLOCK_SKEW_CRITICAL_MS = 30_000;

export interface ClockSkewThresholds {
  readonly warningMs: number;
  readonly criticalMs: number;
}

/** What ingest measured: the smoothed offset (agent − collector) and the round trip it was corrected by. */
export interface ClockOffset {
  /** Positive: the agent's clock is ahead. */
  readonly offsetMs: number;
  /** The round trip of the latest sample; half of it bounds the estimate's error. */
  readonly rttMs: number;
  /** Batches the estimate is the median of. */
  readonly samples: number;
  /** Collector clock of the latest sample, Unix ms. */
  readonly atMs: number;
}

/**
 * The severity the offset earns, or undefined below the warning threshold. The offset must exceed the
 * threshold by more than half the round trip (the estimate's error bound), so a slow link is not skew.
 */
export function clockSkewSeverity(
  clock: ClockOffset,
  thresholds: ClockSkewThresholds,
): SeverityString | undefined {
  const sure = Math.abs(clock.offsetMs) - clock.rttMs / 2;
  if (sure >= thresholds.criticalMs) return 'critical';
  if (sure >= thresholds.warningMs) return 'warning';
  return undefined;
}

function signed(ms: number): string {
  return `${formatDuration(Math.abs(ms))} ${ms >= 0 ? 'ahead of' : 'behind'}`;
}

/** The clock-skew evidence item, or undefined when the offset is within tolerance. */
export function clockSkewEvidence(
  clock: ClockOffset,
  thresholds: ClockSkewThresholds,
): EvidenceItem | undefined {
  const severity = clockSkewSeverity(clock, thresholds);
  if (severity === undefined) return undefined;
  const threshold = severity === 'critical' ? thresholds.criticalMs : thresholds.warningMs;
  return {
    finding: {
      check: 'CHECK_ID_UNSPECIFIED',
      cause: 'CAUSE_ID_CLOCK_SKEW',
      severity: severity === 'critical' ? 'SEVERITY_CRITICAL' : 'SEVERITY_WARNING',
      summary:
        `The node's clock is ${signed(clock.offsetMs)} the collector's (median of ${clock.samples} batches, ` +
        `round trip ${formatDuration(clock.rttMs)}; ${severity} from ${formatDuration(threshold)}).`,
      value: clock.offsetMs / 1_000,
      threshold: threshold / 1_000,
      subject: '',
      detailsJson: JSON.stringify({
        offsetSeconds: clock.offsetMs / 1_000,
        rttSeconds: clock.rttMs / 1_000,
        samples: clock.samples,
      }),
    },
    firstSeenMs: clock.atMs,
    lastSeenMs: clock.atMs,
    reports: clock.samples,
    origin: { source: 'collector', check: 'clock-offset' },
  };
}
