/** The read models as gRPC messages (QueryService). */
import { causeToProto } from '../../common/ids.js';
import type { Cause } from '../../proto/gen/nodedoc/v1/Cause.js';
import type { CauseInfo } from '../../proto/gen/nodedoc/v1/CauseInfo.js';
import type { NodeDetail } from '../../proto/gen/nodedoc/v1/NodeDetail.js';
import type { NodeStatus } from '../../proto/gen/nodedoc/v1/NodeStatus.js';
import type { NodeSummary } from '../../proto/gen/nodedoc/v1/NodeSummary.js';
import type { Severity } from '../../proto/gen/nodedoc/v1/Severity.js';
import type { TimelinePoint } from '../../proto/gen/nodedoc/v1/TimelinePoint.js';
import type { CauseInfoView } from '../diagnosis/cause-catalog.js';
import type { CauseView, StatusName } from '../diagnosis/diagnosis.js';
import type { BoardEntry } from '../diagnosis/diagnosis-board.js';
import type { TimelineEntry } from '../store/node-store.js';
import type { NodeDetailView } from './node-views.js';
import { toTimestamp } from './timestamps.js';

const STATUS: Readonly<Record<StatusName, NodeStatus>> = {
  Ready: 'NODE_STATUS_READY',
  AtRisk: 'NODE_STATUS_AT_RISK',
  NotReady: 'NODE_STATUS_NOT_READY',
  Unreachable: 'NODE_STATUS_UNREACHABLE',
};

export function statusToProto(status: StatusName): NodeStatus {
  return STATUS[status];
}

function causeToMessage(cause: CauseView): Cause {
  return {
    id: causeToProto(cause.id),
    scope: cause.scope === 'fleet' ? 'SCOPE_FLEET' : 'SCOPE_NODE',
    severity: `SEVERITY_${cause.severity.toUpperCase()}` as Severity,
    confidence: cause.confidence,
    summary: cause.summary,
    evidence: cause.evidence.map((item) => ({
      finding: item.finding,
      firstSeen: toTimestamp(item.firstSeenMs),
      lastSeen: toTimestamp(item.lastSeenMs),
    })),
    remediation: [...cause.remediation],
    runbook: cause.runbook,
  };
}

export function summaryToProto(entry: BoardEntry): NodeSummary {
  return {
    node: entry.node,
    status: statusToProto(entry.diagnosis.status),
    causes: entry.diagnosis.causes.slice(0, 1).map(causeToMessage),
    lastSeen: toTimestamp(entry.lastSeenMs),
  };
}

export function detailToProto({ record, entry }: NodeDetailView): NodeDetail {
  const latest = record.latest;
  return {
    node: record.node,
    status: statusToProto(entry.diagnosis.status),
    lastSeen: toTimestamp(entry.lastSeenMs),
    bootId: record.identity.bootId || (latest?.bootId ?? ''),
    causes: entry.diagnosis.causes.map(causeToMessage),
    ingest: {
      received: String(record.ingest.received),
      lastSeq: record.ingest.lastSeq,
      gaps: String(record.ingest.gaps),
      duplicates: String(record.ingest.duplicates),
    },
    agentVersion: record.identity.agentVersion,
    kernel: record.identity.kernel,
    os: record.identity.os,
    findings: latest ? [...latest.findings] : [],
    signals: latest ? [...latest.signals] : [],
    samplesJson: latest?.samplesJson ?? '',
  };
}

export function timelinePointToProto(entry: TimelineEntry): TimelinePoint {
  return {
    sequence: entry.sequence,
    sampledAt: toTimestamp(entry.sampledAtMs),
    receivedAt: toTimestamp(entry.receivedAtMs),
    bootId: entry.bootId,
    vitals: entry.vitals,
    findings: [...entry.findings],
  };
}

export function causeInfoToProto(info: CauseInfoView): CauseInfo {
  return { id: causeToProto(info.id), title: info.title, runbook: info.runbook };
}
