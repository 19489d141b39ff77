/**
 * When a cause is raised, how long it lingers, and how sure the classifier is of it. Named so the README,
 * the tests and the code agree.
 */
import type { SeverityString } from '../../common/ids.js';

/**
 * Consecutive reports a critical finding needs before its cause is raised: one. The agent's critical
 * findings are already debounced where they are measured (the kubelet probe fails twice, thresholds sit at
 * the kubelet's hard-eviction levels), and hiding a NotReady cause for another interval costs on-call time.
 */
export const RAISE_REPORTS_CRITICAL = 1;
/**
 * A warning needs two reports in a row: one sample over a threshold (a PSI spike, a slow DNS answer) is
 * often a blip between two samples, and an AtRisk that flaps every interval teaches people to ignore it.
 */
export const RAISE_REPORTS_WARNING = 2;
/** Informational findings are shown at once: they never change the status, so there is nothing to flap. */
export const RAISE_REPORTS_INFO = 1;
/**
 * A raised cause clears once this many consecutive reports lack its evidence: it cannot stick (the most
 * common complaint about node-problem-detector's conditions), and one report that happens to miss a still
 * present symptom does not make it flap.
 */
export const CLEAR_REPORTS = 2;
/**
 * Confidence is the share of CONFIRMING_REPORTS consecutive reports that carried the cause's findings:
 * three in a row (the span that also defines Unreachable) are as sure as the agent's measurement gets.
 */
export const CONFIRMING_REPORTS = 3;
/** A cause whose evidence was missing from the latest report (clearing) is shown at this share of its confidence. */
export const CLEARING_CONFIDENCE_FACTOR = 0.5;
/**
 * One-off events (an OOM kill, a reboot, a hung task) stay visible this long after they were last reported:
 * 15 minutes covers a page's acknowledgement and first look (and kube-state-metrics' usual alert windows)
 * while an event from the previous shift does not linger into the next one. --event-window overrides it.
 */
export const DEFAULT_EVENT_WINDOW_MS = 15 * 60_000;
/** The brief's definition of Unreachable: silent for more than three intervals. */
export const UNREACHABLE_INTERVALS = 3;

export function raiseReports(severity: SeverityString): number {
  if (severity === 'critical') return RAISE_REPORTS_CRITICAL;
  if (severity === 'warning') return RAISE_REPORTS_WARNING;
  return RAISE_REPORTS_INFO;
}

export function isUnreachable(lastSeenMs: number, intervalMs: number, nowMs: number): boolean {
  return nowMs - lastSeenMs > UNREACHABLE_INTERVALS * intervalMs;
}

/** Two decimals: confidences are compared (announcements) and shown, and float noise must not count as a change. */
export function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

export function runConfidence(reports: number): number {
  return roundConfidence(Math.min(reports, CONFIRMING_REPORTS) / CONFIRMING_REPORTS);
}
