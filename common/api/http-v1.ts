/**
 * The documents of the collector's HTTP/JSON API (/api/v1), as clients read them. The collector's views
 * produce exactly these shapes; the CLI and the dashboard consume them. Times are RFC 3339, ids kebab-case,
 * uint64 sequences decimal strings.
 */
import type { CauseIdString, CheckIdString, SeverityString } from '../ids.js';

export type NodeStatusString = 'Ready' | 'AtRisk' | 'NotReady' | 'Unreachable';
export type ScopeString = 'node' | 'fleet';
export type SignalStateString = 'ok' | 'absent' | 'unavailable' | 'down';

/** Evidence the collector gathered itself rather than an agent check (the Node's Ready condition, clock offset). */
export type CollectorCheckString = 'node-ready-condition' | 'clock-offset';

export interface FindingJson {
  readonly check: CheckIdString | CollectorCheckString;
  readonly cause: CauseIdString;
  readonly severity: SeverityString;
  readonly summary: string;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly subject?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface EvidenceJson {
  /** Where it comes from: absent for the agent's findings. */
  readonly source?: 'kubernetes' | 'collector';
  readonly finding: FindingJson;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface CauseJson {
  readonly id: CauseIdString;
  readonly scope: ScopeString;
  readonly severity: SeverityString;
  /** 0–1. */
  readonly confidence: number;
  readonly summary: string;
  readonly evidence: readonly EvidenceJson[];
  readonly remediation: readonly string[];
  /** URL (absolute, or relative to the collector) of the cause's runbook. */
  readonly runbook: string;
  /** Present causes this one explains (it is their root cause). */
  readonly explains?: readonly CauseIdString[];
  /** Present causes that explain this one; it ranks after them. */
  readonly explainedBy?: readonly CauseIdString[];
}

/** GET /api/v1/nodes (one entry per node; `causes` holds the top cause only). */
export interface NodeSummaryJson {
  readonly node: string;
  readonly status: NodeStatusString;
  readonly causes: readonly CauseJson[];
  readonly lastSeen: string;
}

export interface IngestJson {
  readonly received: number;
  readonly lastSeq: string;
  readonly gaps: number;
  readonly duplicates: number;
}

/** GET /api/v1/nodes/{node}. */
export interface NodeDetailJson {
  readonly node: string;
  readonly status: NodeStatusString;
  readonly lastSeen: string;
  readonly bootId: string | null;
  readonly causes: readonly CauseJson[];
  readonly ingest: IngestJson;
  readonly agentVersion: string;
  readonly kernel: string;
  readonly os: string;
  readonly capabilities: readonly string[];
  readonly intervalSeconds: number;
  readonly firstSeen: string;
  readonly lastReport: {
    readonly sequence: string;
    readonly sampledAt: string;
    readonly receivedAt: string;
  } | null;
  readonly findings: readonly FindingJson[];
  readonly signals: readonly {
    readonly signal: string;
    readonly state: SignalStateString;
    readonly reason?: string;
  }[];
  /** The latest full samples (the agent's `samples` object), or null before the first report. */
  readonly samples: Readonly<Record<string, unknown>> | null;
}

export interface TimelinePointJson {
  readonly sequence: string;
  readonly sampledAt: string;
  readonly receivedAt: string;
  readonly bootId: string;
  /** Only the vitals that were measured that cycle (see Vitals in proto/nodedoc/v1/report.proto). */
  readonly vitals: Readonly<Record<string, number>>;
  readonly findings: readonly FindingJson[];
}

/** GET /api/v1/nodes/{node}/timeline. */
export interface TimelineJson {
  readonly node: string;
  readonly points: readonly TimelinePointJson[];
}

/** A cause seen on a large share of the fleet, reported once rather than on each node. */
export interface FleetCauseJson extends CauseJson {
  /** The nodes showing the symptom, sorted. */
  readonly nodes: readonly string[];
}

/** GET /api/v1/fleet: fleet-scope causes, most severe first. */
export interface FleetJson {
  /** Nodes the collector knows (the denominator of each cause's share). */
  readonly nodes: number;
  readonly causes: readonly FleetCauseJson[];
}

/**
 * GET /api/v1/watch (text/event-stream): server-sent events named WATCH_EVENT_NODE whose data is one
 * NodeSummaryJson — every node once on connect, then a node again whenever its status or causes change.
 * Comment lines (": heartbeat") keep the stream alive and carry no event.
 */
export const WATCH_EVENT_NODE = 'node';
export type WatchNodeEventJson = NodeSummaryJson;

/** GET /api/v1/causes (one entry per cause of the taxonomy). */
export interface CauseInfoJson {
  readonly id: CauseIdString;
  readonly title: string;
  readonly runbook: string;
}

/** Every error response's body. */
export interface ErrorBodyJson {
  readonly error: { readonly code: string; readonly message: string };
}
