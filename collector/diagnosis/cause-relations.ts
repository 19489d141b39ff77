/**
 * "Root explains symptom" as data. When both ends of an edge are present on a node (and the edge's condition
 * holds on the evidence), the root ranks before the symptom, the symptom says what explains it, and the root
 * gains confidence for every symptom it explains. The graph is acyclic (a test checks it), so a ranking
 * always exists.
 */
import { type CauseIdString, causeFromProto, severityFromProto } from '../../common/ids.js';
import type { EvidenceItem } from './diagnosis.js';

/** Evidence of the causes present on the node, by cause id (empty for an absent cause). */
export type EvidenceOf = (id: CauseIdString) => readonly EvidenceItem[];

export interface CauseRelation {
  readonly root: CauseIdString;
  readonly symptom: CauseIdString;
  /** Why the root produces the symptom, for people reading the table. */
  readonly why: string;
  /** Holds only when the evidence says so (e.g. the OOM victim was the kubelet); unset: always. */
  readonly when?: (evidence: EvidenceOf) => boolean;
}

/** The kubelet's process name as the kernel's OOM report gives it. */
const KUBELET_PROCESS = 'kubelet';

/** Whether an oom-kill finding named the kubelet among its victims (details.victims[].process). */
export function kubeletWasOomKilled(evidence: EvidenceOf): boolean {
  return evidence('oom-kill').some((item) => {
    if (item.finding.detailsJson === '') return false;
    try {
      const details = JSON.parse(item.finding.detailsJson) as { victims?: Array<{ process?: unknown }> };
      return (details.victims ?? []).some((victim) => victim.process === KUBELET_PROCESS);
    } catch {
      return false;
    }
  });
}

function critical(id: CauseIdString): (evidence: EvidenceOf) => boolean {
  return (evidence) => evidence(id).some((item) => severityFromProto(item.finding.severity) === 'critical');
}

/** Kubelet and runtime both stop when their disk or the kernel under them does. */
const STARVES_NODE_DAEMONS: ReadonlyArray<[CauseIdString, string]> = [
  ['disk-pressure', 'a full kubelet or image filesystem makes the runtime and the kubelet fail their writes'],
  ['inode-exhaustion', 'no free inodes: the runtime and the kubelet cannot create files'],
  ['readonly-filesystem', 'a read-only kubelet root stops the runtime and the kubelet from writing state'],
  ['kernel-hang', 'hung tasks and soft lockups stall the runtime and the kubelet (PLEG not healthy)'],
  ['io-saturation', "saturated I/O makes the runtime's relist and the kubelet's health checks time out"],
  ['cpu-starvation', 'the kubelet and the runtime wait for a CPU longer than their health checks allow'],
  ['pid-exhaustion', 'no PIDs or file descriptors left: the runtime and the kubelet cannot fork or open'],
];

/**
 * Roots that make a daemon slow rather than absent: under them its health check times out. A refused connection or
 * an HTTP error status means the daemon is not listening, or answered, which they do not explain (a kubelet that
 * was stopped on a busy node is not down because the node is busy).
 */
const SLOWS_NODE_DAEMONS: ReadonlySet<CauseIdString> = new Set([
  'cpu-starvation',
  'io-saturation',
  'kernel-hang',
]);

/**
 * How the agent words a probe that got no answer in time (agent/probes/http-probe.ts "no answer within 5000ms";
 * gRPC's DEADLINE_EXCEEDED for the CRI call): read only from findings of agents that predate the structured
 * `failure` detail.
 */
const TIMEOUT_WORDING = /no answer within|timed out|timeout|DEADLINE_EXCEEDED/i;

/**
 * Whether a failed probe's finding says it timed out: its details' `failure` (agent/probes/probe-failure.ts:
 * timeout, refused, status or error) when the agent sent one, else the wording of its summary.
 */
export function probeTimedOut(finding: { readonly summary: string; readonly detailsJson: string }): boolean {
  if (finding.detailsJson !== '') {
    try {
      const details = JSON.parse(finding.detailsJson) as { failure?: unknown };
      if (typeof details.failure === 'string') return details.failure === 'timeout';
    } catch {
      // Validated as a JSON object at ingest; anything else falls back to the wording.
    }
  }
  return TIMEOUT_WORDING.test(finding.summary);
}

function timedOut(symptom: CauseIdString): (evidence: EvidenceOf) => boolean {
  return (evidence) => evidence(symptom).some((item) => probeTimedOut(item.finding));
}

export const CAUSE_RELATIONS: readonly CauseRelation[] = [
  {
    root: 'conntrack-exhaustion',
    symptom: 'dns-failure',
    why: 'a full conntrack table drops new flows, and DNS over UDP is a new flow per query',
  },
  {
    root: 'conntrack-exhaustion',
    symptom: 'dns-latency',
    why: 'dropped DNS packets are retried after the resolver timeout (5 s tails)',
  },
  {
    root: 'conntrack-race',
    symptom: 'dns-failure',
    why: 'parallel A/AAAA queries over one socket lose the SNAT insertion race',
  },
  {
    root: 'conntrack-race',
    symptom: 'dns-latency',
    why: 'the query that lost the insertion race is retried after 5 s',
  },
  {
    root: 'container-runtime-down',
    symptom: 'cni-not-ready',
    why: 'the runtime reports network readiness; without it the CNI status is unknown',
  },
  {
    root: 'container-runtime-down',
    symptom: 'kubelet-down',
    why: 'the kubelet fails its health check when the CRI does not answer (PLEG not healthy)',
  },
  { root: 'memory-pressure', symptom: 'oom-kill', why: 'the kernel kills processes when memory runs out' },
  {
    root: 'memory-pressure',
    symptom: 'kubelet-down',
    why: 'memory pressure OOM-killed the kubelet',
    when: kubeletWasOomKilled,
  },
  {
    root: 'oom-kill',
    symptom: 'kubelet-down',
    why: 'the OOM killer chose the kubelet',
    when: kubeletWasOomKilled,
  },
  ...STARVES_NODE_DAEMONS.flatMap(([root, why]): CauseRelation[] => {
    const when = (symptom: CauseIdString) => (SLOWS_NODE_DAEMONS.has(root) ? timedOut(symptom) : undefined);
    return [
      { root, symptom: 'container-runtime-down', why, when: when('container-runtime-down') },
      { root, symptom: 'kubelet-down', why, when: when('kubelet-down') },
    ];
  }),
  {
    root: 'io-saturation',
    symptom: 'kernel-hang',
    why: 'tasks blocked for more than 120 s are almost always waiting on saturated storage',
  },
  {
    root: 'certificate-expiry',
    symptom: 'apiserver-unreachable',
    why: 'an expired client certificate fails the TLS handshake with the API server',
    when: critical('certificate-expiry'),
  },
  {
    root: 'clock-skew',
    symptom: 'apiserver-unreachable',
    why: 'a clock far off makes valid certificates look expired or not yet valid',
    when: critical('clock-skew'),
  },
  {
    root: 'node-reboot',
    symptom: 'kubelet-down',
    why: 'after a reboot the kubelet is still starting',
  },
  {
    root: 'node-reboot',
    symptom: 'container-runtime-down',
    why: 'after a reboot the runtime is still starting',
  },
  {
    root: 'node-reboot',
    symptom: 'cni-not-ready',
    why: 'after a reboot the CNI agent has not written its config yet',
  },
];

/** Edges by symptom, for the classifier's single pass. */
const BY_SYMPTOM = new Map<CauseIdString, CauseRelation[]>();
for (const relation of CAUSE_RELATIONS) {
  const list = BY_SYMPTOM.get(relation.symptom) ?? [];
  list.push(relation);
  BY_SYMPTOM.set(relation.symptom, list);
}

/** The present roots that explain `symptom`, in table order. */
export function rootsOf(
  symptom: CauseIdString,
  present: ReadonlySet<CauseIdString>,
  evidence: EvidenceOf,
): CauseIdString[] {
  const roots: CauseIdString[] = [];
  for (const relation of BY_SYMPTOM.get(symptom) ?? []) {
    if (!present.has(relation.root) || roots.includes(relation.root)) continue;
    if (relation.when && !relation.when(evidence)) continue;
    roots.push(relation.root);
  }
  return roots;
}

/** Groups evidence by the cause each finding points at. */
export function evidenceByCause(items: Iterable<EvidenceItem>): Map<CauseIdString, EvidenceItem[]> {
  const groups = new Map<CauseIdString, EvidenceItem[]>();
  for (const item of items) {
    const id = causeFromProto(item.finding.cause);
    const group = groups.get(id);
    if (group) group.push(item);
    else groups.set(id, [item]);
  }
  return groups;
}
