import { describe, expect, it } from 'vitest';
import { CAUSE_CATALOG, causeCatalog, remediationFor } from '../../../collector/diagnosis/cause-catalog.js';
import { CAUSE_RELATIONS, probeTimedOut } from '../../../collector/diagnosis/cause-relations.js';
import { classify, raiseCauses } from '../../../collector/diagnosis/classify.js';
import { clockSkewSeverity } from '../../../collector/diagnosis/clock-skew.js';
import type { EvidenceItem } from '../../../collector/diagnosis/diagnosis.js';
import type { HeldFinding } from '../../../collector/diagnosis/finding-runs.js';
import { FleetScope } from '../../../collector/diagnosis/fleet-scope.js';
import { CLOCK_OFFSET_MIN_SAMPLES, ClockOffsetEstimator } from '../../../collector/ingest/clock-offset.js';
import { CHECK_CAUSE } from '../../../common/check-causes.js';
import {
  CAUSE_IDS,
  type CauseIdString,
  type CheckIdString,
  causeToProto,
  checkToProto,
} from '../../../common/ids.js';
import type { Finding__Output } from '../../../proto/gen/nodedoc/v1/Finding.js';

const NOW = 1_800_000_000_000;
const THRESHOLDS = { warningMs: 1_000, criticalMs: 30_000 };

/** A check that points at `cause` (the agent's own mapping). */
function checkFor(cause: CauseIdString): CheckIdString | undefined {
  return (Object.keys(CHECK_CAUSE) as CheckIdString[]).find((check) => CHECK_CAUSE[check] === cause);
}

/** A critical finding of `cause`, shaped so every conditional edge holds (the OOM victim is the kubelet). */
/** Daemons' probes time out in these fixtures: the wording the starvation edges need (refused is tested apart). */
const PROBE_REASON: Partial<Record<CauseIdString, string>> = {
  'kubelet-down': ' (no answer within 5000ms)',
  'container-runtime-down': ' (DEADLINE_EXCEEDED: Deadline exceeded)',
};

function heldOf(
  cause: CauseIdString,
  reason = PROBE_REASON[cause] ?? '',
  details: Record<string, unknown> | undefined = undefined,
): HeldFinding {
  const check = checkFor(cause);
  const finding: Finding__Output = {
    check: check ? checkToProto(check) : 'CHECK_ID_UNSPECIFIED',
    cause: causeToProto(cause),
    severity: 'SEVERITY_CRITICAL',
    summary: `${cause} seen${reason}`,
    subject: '',
    detailsJson:
      cause === 'oom-kill'
        ? JSON.stringify({ victims: [{ pid: 1, process: 'kubelet' }] })
        : details === undefined
          ? ''
          : JSON.stringify(details),
  } as Finding__Output;
  const item: EvidenceItem = { finding, firstSeenMs: NOW, lastSeenMs: NOW, reports: 1 };
  return { item, missed: 0, receivedAtMs: NOW };
}

function diagnoseWith(causes: CauseIdString[]) {
  // The edges conditioned on an OOM kill of the kubelet need that kill among the evidence.
  if (causes.includes('kubelet-down') && causes.includes('memory-pressure')) causes = [...causes, 'oom-kill'];
  const held = causes.filter((id) => id !== 'clock-skew').map((id) => heldOf(id));
  const clock = causes.includes('clock-skew')
    ? { offsetMs: 60_000, rttMs: 10, samples: 5, atMs: NOW }
    : undefined;
  return classify({
    node: 'n1',
    raised: raiseCauses(held, NOW, 60_000, clock, THRESHOLDS),
    lastSeenMs: NOW,
    intervalMs: 10_000,
    nowMs: NOW,
    readiness: undefined,
    fleet: () => undefined,
  });
}

describe('cause catalog', () => {
  it('describes every cause id, with remediation steps and the node filled in', () => {
    expect(Object.keys(CAUSE_CATALOG).sort()).toEqual([...CAUSE_IDS].sort());
    expect(causeCatalog().map((info) => info.id)).toEqual([...CAUSE_IDS]);
    for (const id of CAUSE_IDS) {
      const steps = remediationFor(id, 'worker-7', '/var/lib/kubelet');
      expect(steps.length, id).toBeGreaterThanOrEqual(2);
      expect(steps.join('\n'), id).not.toMatch(/\{node\}|\{subject\}/);
      if (CAUSE_CATALOG[id].fleetEligible) expect(CAUSE_CATALOG[id].fleetLook, id).toBeDefined();
    }
    expect(remediationFor('kubelet-down', 'worker-7', '')[0]).toBe(
      'kubectl describe node worker-7  # Ready condition, reason and message',
    );
  });
});

describe('cause relations', () => {
  it('form an acyclic graph (a ranking always exists)', () => {
    const edges = new Map<CauseIdString, CauseIdString[]>();
    for (const { root, symptom } of CAUSE_RELATIONS) edges.set(root, [...(edges.get(root) ?? []), symptom]);
    const visiting = new Set<CauseIdString>();
    const done = new Set<CauseIdString>();
    const visit = (id: CauseIdString): void => {
      expect(visiting.has(id), `cycle through ${id}`).toBe(false);
      if (done.has(id)) return;
      visiting.add(id);
      for (const next of edges.get(id) ?? []) visit(next);
      visiting.delete(id);
      done.add(id);
    };
    for (const id of edges.keys()) visit(id);
  });

  it.each(CAUSE_RELATIONS.map((relation) => [relation.root, relation.symptom, relation]))(
    '%s explains %s: root first, symptom after it says so, root more confident',
    (root, symptom) => {
      const extra: CauseIdString[] = root === 'oom-kill' ? ['memory-pressure'] : [];
      const alone = diagnoseWith([root, ...extra]).causes.find((cause) => cause.id === root)?.confidence ?? 0;
      const { causes } = diagnoseWith([symptom, root, ...extra]);
      const ids = causes.map((cause) => cause.id);
      const rootView = causes.find((cause) => cause.id === root);
      const symptomView = causes.find((cause) => cause.id === symptom);
      expect(ids.indexOf(root)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(root)).toBeLessThan(ids.indexOf(symptom));
      expect(symptomView?.explainedBy).toContain(root);
      expect(symptomView?.summary).toMatch(new RegExp(`explained by .*${root}`));
      expect(rootView?.explains).toContain(symptom);
      // Events and a measured clock offset are certain already; everything else gains from its symptoms.
      if (alone < 1) expect(rootView?.confidence).toBeGreaterThan(alone);
      else expect(rootView?.confidence).toBe(1);
    },
  );
});

describe('starvation and a daemon that is gone', () => {
  it.each(['cpu-starvation', 'io-saturation', 'kernel-hang'] as const)(
    '%s does not explain a kubelet that refuses connections (not listening is not slow)',
    (root) => {
      const { causes } = classify({
        node: 'n1',
        raised: raiseCauses(
          [heldOf('kubelet-down', ' (ECONNREFUSED 127.0.0.1:10248)'), heldOf(root)],
          NOW,
          60_000,
          undefined,
          THRESHOLDS,
        ),
        lastSeenMs: NOW,
        intervalMs: 10_000,
        nowMs: NOW,
        readiness: undefined,
        fleet: () => undefined,
      });
      const kubelet = causes.find((cause) => cause.id === 'kubelet-down');
      expect(kubelet?.explainedBy ?? []).not.toContain(root);
      expect(causes.find((cause) => cause.id === root)?.explains ?? []).not.toContain('kubelet-down');
    },
  );
});

describe('fleet scope', () => {
  it('needs the share and the minimum, counts reachable nodes only, and reports flips', () => {
    const fleet = new FleetScope({ share: 0.5, minNodes: 3 });
    const dns = new Set<CauseIdString>(['dns-latency']);
    const none = new Set<CauseIdString>();
    for (const node of ['a', 'b', 'c', 'd', 'e', 'f']) fleet.update(node, true, none);
    expect(fleet.update('a', true, dns)).toEqual([]);
    expect(fleet.update('b', true, dns)).toEqual([]);
    // 3 of 6: both thresholds met.
    expect(fleet.update('c', true, dns)).toEqual(['dns-latency']);
    expect(fleet.verdict('dns-latency')).toEqual({ nodes: 3, reachable: 6 });
    // A new healthy node: 3 of 7 is below half.
    expect(fleet.update('g', true, none)).toEqual(['dns-latency']);
    expect(fleet.verdict('dns-latency')).toBeUndefined();
    // A healthy node goes silent: 3 of 6 reachable again; another: 3 of 5, no flip.
    expect(fleet.update('f', false, none)).toEqual(['dns-latency']);
    expect(fleet.update('g', false, none)).toEqual([]);
    expect(fleet.verdict('dns-latency')).toEqual({ nodes: 3, reachable: 5 });
    // A silent node's causes do not count.
    expect(fleet.update('c', false, dns)).toEqual(['dns-latency']);
    expect(fleet.remove('a')).toEqual([]);
  });
});

describe('clock offset', () => {
  it('is sentAt − (receivedAt − rtt/2), the median of the last batches, reported from 3 samples', () => {
    const estimator = new ClockOffsetEstimator();
    const received = NOW;
    // Agent 5 s ahead, 200 ms round trip: it sent 100 ms before arrival by the collector's clock.
    expect(estimator.add(received + 5_000 - 100, 0.2, received)).toBeUndefined();
    expect(estimator.add(received + 5_000 - 100, 0.2, received)).toBeUndefined();
    expect(CLOCK_OFFSET_MIN_SAMPLES).toBe(3);
    // One batch held up 4 s in a queue: the median ignores it.
    expect(estimator.add(received + 5_000 - 4_100, 0.2, received)).toMatchObject({
      offsetMs: 5_000,
      rttMs: 200,
      samples: 3,
    });
    expect(estimator.add(undefined, 0.2, received)?.samples).toBe(3);
  });

  it('judges the offset beyond half the round trip against the thresholds', () => {
    const at = (offsetMs: number, rttMs: number) =>
      clockSkewSeverity({ offsetMs, rttMs, samples: 5, atMs: NOW }, THRESHOLDS);
    expect(at(900, 10)).toBeUndefined();
    expect(at(-1_500, 10)).toBe('warning');
    expect(at(1_500, 2_000)).toBeUndefined();
    expect(at(-31_000, 10)).toBe('critical');
  });
});

describe('how a daemon probe failed, from the finding', () => {
  function kubeletExplainedBy(root: CauseIdString, kubelet: HeldFinding): readonly string[] {
    const { causes } = classify({
      node: 'n1',
      raised: raiseCauses([kubelet, heldOf(root)], NOW, 60_000, undefined, THRESHOLDS),
      lastSeenMs: NOW,
      intervalMs: 10_000,
      nowMs: NOW,
      readiness: undefined,
      fleet: () => undefined,
    });
    return causes.find((cause) => cause.id === 'kubelet-down')?.explainedBy ?? [];
  }

  it('takes the structured failure over the wording: refused is not explained by starvation', () => {
    // The summary's wording says timeout; the agent's `failure` detail says the connection was refused.
    const kubelet = heldOf('kubelet-down', ' (no answer within 5000ms)', { failure: 'refused' });
    expect(kubeletExplainedBy('cpu-starvation', kubelet)).not.toContain('cpu-starvation');
  });

  it('takes the structured failure over the wording: timeout is explained by starvation', () => {
    const kubelet = heldOf('kubelet-down', ' (HTTP 500)', { failure: 'timeout' });
    expect(kubeletExplainedBy('cpu-starvation', kubelet)).toContain('cpu-starvation');
  });

  it.each([
    [{ summary: 'x', detailsJson: '{"failure":"timeout"}' }, true],
    [{ summary: 'no answer within 5000ms', detailsJson: '{"failure":"status"}' }, false],
    [{ summary: 'no answer within 5000ms', detailsJson: '' }, true],
    [{ summary: 'DEADLINE_EXCEEDED', detailsJson: '{"other":1}' }, true],
    [{ summary: 'ECONNREFUSED 127.0.0.1:10248', detailsJson: '' }, false],
  ])('probeTimedOut(%j) is %s', (finding, expected) => {
    expect(probeTimedOut(finding)).toBe(expected);
  });
});
