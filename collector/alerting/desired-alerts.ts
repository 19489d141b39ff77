import { type SeverityString, severityRank } from '../../common/ids.js';
import type { CauseView } from '../diagnosis/diagnosis.js';
import type { BoardEntry } from '../diagnosis/diagnosis-board.js';
import { runbookUrl } from '../runbook-url.js';

/**
 * The alertname of every alert the collector pushes: one name, with the cause in its own label, so a single
 * Alertmanager route (alertname="NodedocNodeCause") catches them all and `cause` can group or inhibit.
 */
export const ALERT_NAME = 'NodedocNodeCause';
/** The evidence annotation lists this many findings at most: enough to act on, short enough for a pager. */
export const MAX_EVIDENCE_LINES = 5;
/** A fleet alert names this many nodes at most, then says how many more; the API has the full list. */
export const MAX_NODES_LISTED = 50;

/** One alert the board's current diagnoses call for. */
export interface DesiredAlert {
  /** The label set, canonical (sorted): Alertmanager identifies an alert by its labels, and so does the pusher. */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Link back to where the alert came from: the node (or the fleet) on the collector's API. */
  readonly generatorURL: string;
  /** Earliest first-seen time of the evidence, Unix ms; undefined when the cause rests on no finding. */
  readonly startedAtMs: number | undefined;
}

function keyOf(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function startedAt(causes: readonly CauseView[]): number | undefined {
  const times = causes.flatMap((cause) => cause.evidence.map((item) => item.firstSeenMs));
  return times.length === 0 ? undefined : Math.min(...times);
}

function evidenceLines(cause: CauseView): string {
  const lines = cause.evidence.slice(0, MAX_EVIDENCE_LINES).map((item) => `- ${item.finding.summary}`);
  const more = cause.evidence.length - MAX_EVIDENCE_LINES;
  if (more > 0) lines.push(`- … and ${more} more`);
  return lines.join('\n');
}

function withEvidence(annotations: Record<string, string>, cause: CauseView): Record<string, string> {
  const evidence = evidenceLines(cause);
  return evidence === '' ? annotations : { ...annotations, evidence };
}

function nodeAlert(entry: BoardEntry, cause: CauseView, rank: number, externalUrl: URL): DesiredAlert {
  const labels = {
    alertname: ALERT_NAME,
    node: entry.node,
    cause: cause.id,
    severity: cause.severity,
    scope: cause.scope,
  };
  const causes = entry.diagnosis.causes.length;
  return {
    key: keyOf(labels),
    labels,
    annotations: withEvidence(
      {
        summary: cause.summary,
        description:
          `Node ${entry.node} is ${entry.diagnosis.status}; ${cause.id} is cause ${rank} of ${causes} ` +
          `(confidence ${cause.confidence}).`,
        runbook_url: runbookUrl(externalUrl, cause.id),
      },
      cause,
    ),
    generatorURL: new URL(`api/v1/nodes/${encodeURIComponent(entry.node)}`, externalUrl).toString(),
    startedAtMs: startedAt([cause]),
  };
}

function worst(severities: readonly SeverityString[]): SeverityString {
  return severities.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
}

/** A fleet cause shows on every affected node's diagnosis; it becomes one alert naming them all. */
function fleetAlert(sightings: ReadonlyArray<[string, CauseView]>, externalUrl: URL): DesiredAlert {
  const ordered = [...sightings].sort(([a], [b]) => a.localeCompare(b));
  const [, first] = ordered[0] as [string, CauseView];
  const nodes = ordered.map(([node]) => node);
  const labels = {
    alertname: ALERT_NAME,
    cause: first.id,
    severity: worst(ordered.map(([, cause]) => cause.severity)),
    scope: 'fleet',
  };
  const listed = nodes.slice(0, MAX_NODES_LISTED).join(', ');
  const more = nodes.length - MAX_NODES_LISTED;
  return {
    key: keyOf(labels),
    labels,
    annotations: withEvidence(
      {
        summary: first.summary,
        description: `${first.id} is on ${nodes.length} nodes at once: look at what they share, not at one node.`,
        nodes: more > 0 ? `${listed} … and ${more} more` : listed,
        runbook_url: runbookUrl(externalUrl, first.id),
      },
      first,
    ),
    generatorURL: new URL('api/v1/fleet', externalUrl).toString(),
    startedAtMs: startedAt(ordered.map(([, cause]) => cause)),
  };
}

/**
 * The alerts the board's diagnoses call for, by key: one per node-scope cause of each node, one per fleet
 * cause however many nodes show it.
 */
export function desiredAlerts(entries: readonly BoardEntry[], externalUrl: URL): Map<string, DesiredAlert> {
  const alerts = new Map<string, DesiredAlert>();
  const fleet = new Map<string, Array<[string, CauseView]>>();
  for (const entry of entries) {
    entry.diagnosis.causes.forEach((cause, index) => {
      if (cause.scope === 'fleet') {
        const sightings = fleet.get(cause.id) ?? [];
        sightings.push([entry.node, cause]);
        fleet.set(cause.id, sightings);
        return;
      }
      const alert = nodeAlert(entry, cause, index + 1, externalUrl);
      alerts.set(alert.key, alert);
    });
  }
  for (const sightings of fleet.values()) {
    const alert = fleetAlert(sightings, externalUrl);
    alerts.set(alert.key, alert);
  }
  return alerts;
}
