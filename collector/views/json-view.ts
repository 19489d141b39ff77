/**
 * The read models as the HTTP/JSON API's documents (typed by common/api/http-v1.ts, which the CLI and the
 * dashboard read them with): camelCase fields, ids as kebab-case strings ("memory-pressure", "critical"),
 * statuses as Ready|AtRisk|NotReady|Unreachable, times as RFC 3339 and uint64 sequences as decimal strings.
 * Structure follows the gRPC messages, so the two APIs read alike.
 */
import type {
  CauseInfoJson,
  CauseJson,
  FindingJson,
  FleetJson,
  NodeDetailJson,
  NodeSummaryJson,
  TimelineJson,
} from '../../common/api/http-v1.js';
import { causeFromProto, checkFromProto, severityFromProto, severityRank } from '../../common/ids.js';
import type { Finding__Output } from '../../proto/gen/nodedoc/v1/Finding.js';
import type { SignalReading__Output } from '../../proto/gen/nodedoc/v1/SignalReading.js';
import type { Vitals__Output } from '../../proto/gen/nodedoc/v1/Vitals.js';
import type { CauseInfoView } from '../diagnosis/cause-catalog.js';
import type { CauseView } from '../diagnosis/diagnosis.js';
import type { BoardEntry } from '../diagnosis/diagnosis-board.js';
import type { TimelineEntry } from '../store/node-store.js';
import type { NodeDetailView } from './node-views.js';
import { signalStateFromProto } from './proto-names.js';
import { toRfc3339 } from './timestamps.js';

/** Parses a stored JSON object; stored text that is not one (it was only shape-checked on ingest) reads as null. */
function parseObject(text: string): Record<string, unknown> | null {
  if (text === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The agent's finding shape ({check, cause, severity, summary, value, threshold}, plus subject and details). */
export function findingToJson(finding: Finding__Output): FindingJson {
  return {
    check: checkFromProto(finding.check),
    cause: causeFromProto(finding.cause),
    severity: severityFromProto(finding.severity),
    summary: finding.summary,
    value: finding.value ?? null,
    threshold: finding.threshold ?? null,
    subject: finding.subject === '' ? undefined : finding.subject,
    details: finding.detailsJson === '' ? undefined : (parseObject(finding.detailsJson) ?? undefined),
  };
}

function signalToJson(reading: SignalReading__Output): NodeDetailJson['signals'][number] {
  return {
    signal: reading.signal,
    state: signalStateFromProto(reading.state),
    reason: reading.reason === '' ? undefined : reading.reason,
  };
}

/** Only the vitals that were measured (unset means the signal was not ok that cycle). */
function vitalsToJson(vitals: Vitals__Output | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (vitals === null) return out;
  for (const [key, value] of Object.entries(vitals)) {
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

function causeToJson(cause: CauseView): CauseJson {
  return {
    id: cause.id,
    scope: cause.scope,
    severity: cause.severity,
    confidence: cause.confidence,
    summary: cause.summary,
    evidence: cause.evidence.map((item) => ({
      ...(item.origin ? { source: item.origin.source } : {}),
      finding: item.origin
        ? { ...findingToJson(item.finding), check: item.origin.check }
        : findingToJson(item.finding),
      firstSeen: toRfc3339(item.firstSeenMs),
      lastSeen: toRfc3339(item.lastSeenMs),
    })),
    remediation: [...cause.remediation],
    runbook: cause.runbook,
    ...(cause.explains ? { explains: [...cause.explains] } : {}),
    ...(cause.explainedBy ? { explainedBy: [...cause.explainedBy] } : {}),
  };
}

/** GET /api/v1/nodes: one entry per node with its top cause. */
export function summaryToJson(entry: BoardEntry): NodeSummaryJson {
  return {
    node: entry.node,
    status: entry.diagnosis.status,
    causes: entry.diagnosis.causes.slice(0, 1).map(causeToJson),
    lastSeen: toRfc3339(entry.lastSeenMs),
  };
}

/**
 * GET /api/v1/fleet: each fleet-scope cause once, with the nodes it was found on. The representative cause
 * (summary, evidence) is the most severe node's; the classifier gives every node of a fleet cause the same id.
 */
export function fleetToJson(entries: readonly BoardEntry[]): FleetJson {
  const byId = new Map<string, { cause: CauseView; nodes: string[] }>();
  for (const entry of entries) {
    for (const cause of entry.diagnosis.causes) {
      if (cause.scope !== 'fleet') continue;
      const group = byId.get(cause.id);
      if (!group) byId.set(cause.id, { cause, nodes: [entry.node] });
      else {
        group.nodes.push(entry.node);
        if (severityRank(cause.severity) > severityRank(group.cause.severity)) group.cause = cause;
      }
    }
  }
  const causes = [...byId.values()]
    .map(({ cause, nodes }) => ({ ...causeToJson(cause), nodes: nodes.sort() }))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  return { nodes: entries.length, causes };
}

/** GET /api/v1/nodes/{node}. */
export function detailToJson({ record, entry }: NodeDetailView): NodeDetailJson {
  const latest = record.latest;
  return {
    node: record.node,
    status: entry.diagnosis.status,
    lastSeen: toRfc3339(entry.lastSeenMs),
    bootId: record.identity.bootId || (latest?.bootId ?? null),
    causes: entry.diagnosis.causes.map(causeToJson),
    ingest: {
      received: record.ingest.received,
      lastSeq: record.ingest.lastSeq,
      gaps: record.ingest.gaps,
      duplicates: record.ingest.duplicates,
    },
    agentVersion: record.identity.agentVersion,
    kernel: record.identity.kernel,
    os: record.identity.os,
    capabilities: [...record.identity.capabilities],
    intervalSeconds: record.identity.intervalMs / 1_000,
    firstSeen: toRfc3339(record.firstSeenMs),
    lastReport: latest
      ? {
          sequence: latest.sequence,
          sampledAt: toRfc3339(latest.sampledAtMs),
          receivedAt: toRfc3339(latest.receivedAtMs),
        }
      : null,
    findings: latest ? latest.findings.map(findingToJson) : [],
    signals: latest ? latest.signals.map(signalToJson) : [],
    samples: latest ? parseObject(latest.samplesJson) : null,
  };
}

/** GET /api/v1/nodes/{node}/timeline. */
export function timelineToJson(node: string, entries: readonly TimelineEntry[]): TimelineJson {
  return {
    node,
    points: entries.map((entry) => ({
      sequence: entry.sequence,
      sampledAt: toRfc3339(entry.sampledAtMs),
      receivedAt: toRfc3339(entry.receivedAtMs),
      bootId: entry.bootId,
      vitals: vitalsToJson(entry.vitals),
      findings: entry.findings.map(findingToJson),
    })),
  };
}

/** GET /api/v1/causes. */
export function causeInfoToJson(info: CauseInfoView): CauseInfoJson {
  return { id: info.id, title: info.title, runbook: info.runbook };
}
