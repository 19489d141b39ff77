/**
 * The classifier replayed over recorded timelines (test/fixtures/timelines/): findings shaped like the real
 * agent's `--once --json` output (see the README there), fed report by report through a real DiagnosisBoard
 * on a clock the test moves, with an in-memory ReadinessSource standing in for the Kubernetes watch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClockOffset } from '../../../collector/diagnosis/clock-skew.js';
import type { Diagnosis } from '../../../collector/diagnosis/diagnosis.js';
import { DiagnosisBoard } from '../../../collector/diagnosis/diagnosis-board.js';
import type { NodeReadiness } from '../../../collector/diagnosis/node-readiness.js';
import type { IncomingReport } from '../../../collector/store/node-store.js';
import type { FindingJson } from '../../../common/api/http-v1.js';
import { CHECK_CAUSE } from '../../../common/check-causes.js';
import {
  CAUSE_IDS,
  type CheckIdString,
  causeToProto,
  checkToProto,
  type SeverityString,
  severityToProto,
} from '../../../common/ids.js';
import type { Finding__Output } from '../../../proto/gen/nodedoc/v1/Finding.js';
import { FakeReadiness } from '../../harness/fake-readiness.js';

const ROOT = join(import.meta.dirname, '../../fixtures/timelines');
const DEFAULT_NODE = 'node-a';
const T0 = 1_800_000_000_000;

interface Expectation {
  readonly node?: string;
  readonly status?: Diagnosis['status'];
  readonly causes?: string[];
  readonly severity?: Record<string, SeverityString>;
  readonly scope?: Record<string, 'node' | 'fleet'>;
  readonly confidence?: Record<string, number>;
  readonly explainedBy?: Record<string, string[]>;
  readonly summaryMatches?: Record<string, string>;
  readonly evidenceSources?: Record<string, string[]>;
  readonly remediationIncludes?: Record<string, string>;
}

interface Step {
  readonly node?: string;
  readonly report?: { readonly findings: FindingJson[] };
  readonly repeat?: number;
  readonly clock?: { readonly offsetSeconds: number; readonly rttSeconds: number };
  readonly silenceSeconds?: number;
  readonly sweepAfterSeconds?: number;
  readonly readiness?: Pick<NodeReadiness, 'status' | 'reason' | 'message'> | null;
  readonly markAnnouncements?: boolean;
  readonly announcedSinceLast?: Record<string, number>;
  readonly expect?: Expectation;
}

interface Timeline {
  readonly description: string;
  readonly intervalSeconds: number;
  readonly eventWindowSeconds?: number;
  readonly steps: Step[];
}

function toFinding(json: FindingJson): Finding__Output {
  const check = json.check as CheckIdString;
  return {
    check: checkToProto(check),
    cause: causeToProto(CHECK_CAUSE[check]),
    severity: severityToProto(json.severity),
    summary: json.summary,
    ...(json.value === null ? {} : { value: json.value }),
    ...(json.threshold === null ? {} : { threshold: json.threshold }),
    subject: json.subject ?? '',
    detailsJson: json.details ? JSON.stringify(json.details) : '',
  } as Finding__Output;
}

function load(dir: string): Array<[string, Timeline]> {
  return readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [
      `${dir}/${name.replace(/\.json$/, '')}`,
      JSON.parse(readFileSync(join(ROOT, dir, name), 'utf8')) as Timeline,
    ]);
}

function check(board: DiagnosisBoard, expectation: Expectation, where: string): void {
  const node = expectation.node ?? DEFAULT_NODE;
  const diagnosis = board.entry(node)?.diagnosis;
  expect(diagnosis, where).toBeDefined();
  if (!diagnosis) return;
  const byId = new Map(diagnosis.causes.map((cause) => [cause.id as string, cause]));
  const cause = (id: string) => {
    const found = byId.get(id);
    expect(found, `${where}: cause ${id} in ${[...byId.keys()].join(',')}`).toBeDefined();
    return found;
  };
  if (expectation.status) expect(diagnosis.status, where).toBe(expectation.status);
  if (expectation.causes)
    expect(
      diagnosis.causes.map((c) => c.id),
      where,
    ).toEqual(expectation.causes);
  for (const [id, severity] of Object.entries(expectation.severity ?? {})) {
    expect(cause(id)?.severity, where).toBe(severity);
  }
  for (const [id, scope] of Object.entries(expectation.scope ?? {}))
    expect(cause(id)?.scope, where).toBe(scope);
  for (const [id, confidence] of Object.entries(expectation.confidence ?? {})) {
    expect(cause(id)?.confidence, `${where}: confidence of ${id}`).toBe(confidence);
  }
  for (const [id, roots] of Object.entries(expectation.explainedBy ?? {})) {
    expect(cause(id)?.explainedBy ?? [], `${where}: ${id} explained by`).toEqual(roots);
    for (const root of roots) expect(cause(root)?.explains, where).toContain(id);
  }
  for (const [id, pattern] of Object.entries(expectation.summaryMatches ?? {})) {
    expect(cause(id)?.summary, where).toMatch(new RegExp(pattern));
  }
  for (const [id, sources] of Object.entries(expectation.evidenceSources ?? {})) {
    expect(
      cause(id)?.evidence.map((item) => item.origin?.source ?? 'agent'),
      where,
    ).toEqual(sources);
  }
  for (const [id, text] of Object.entries(expectation.remediationIncludes ?? {})) {
    expect(cause(id)?.remediation.join('\n'), where).toContain(text);
  }
}

function replay(timeline: Timeline): void {
  let now = T0;
  const intervalMs = timeline.intervalSeconds * 1_000;
  const readiness = new FakeReadiness();
  const board = new DiagnosisBoard({
    now: () => now,
    readiness,
    ...(timeline.eventWindowSeconds ? { eventWindowMs: timeline.eventWindowSeconds * 1_000 } : {}),
  });
  const announced: string[] = [];
  let mark = 0;
  board.subscribe((node) => announced.push(node));
  const sequences = new Map<string, number>();
  /** Each node samples on its own interval; nodes of one round share the clock (fleet timelines). */
  const lastSampled = new Map<string, number>();
  timeline.steps.forEach((step, index) => {
    const where = `step ${index + 1}`;
    const node = step.node ?? DEFAULT_NODE;
    if (step.report) {
      if (!sequences.has(node)) {
        board.hello({
          node,
          epoch: '1',
          bootId: '',
          agentVersion: 'test',
          kernel: '',
          os: '',
          capabilities: [],
          intervalMs,
        });
        sequences.set(node, 0);
        lastSampled.set(node, now);
      }
      for (let i = 0; i < (step.repeat ?? 1); i++) {
        now = Math.max(now, (lastSampled.get(node) ?? now) + intervalMs);
        lastSampled.set(node, now);
        const sequence = (sequences.get(node) ?? 0) + 1;
        sequences.set(node, sequence);
        const report: IncomingReport = {
          sequence: String(sequence),
          sampledAtMs: now,
          bootId: '',
          findings: step.report.findings.map(toFinding),
          signals: [],
          vitals: null,
          samplesJson: '',
          sampleDurationSeconds: 0,
        };
        const clock: ClockOffset | undefined = step.clock && {
          offsetMs: step.clock.offsetSeconds * 1_000,
          rttMs: step.clock.rttSeconds * 1_000,
          samples: 5,
          atMs: now,
        };
        board.observe(node, '1', [report], now, clock);
      }
    }
    if (step.silenceSeconds !== undefined || step.sweepAfterSeconds !== undefined) {
      now += (step.silenceSeconds ?? step.sweepAfterSeconds ?? 0) * 1_000;
      board.sweep();
    }
    if (step.readiness !== undefined) {
      readiness.set(
        node,
        step.readiness === null
          ? undefined
          : { ...step.readiness, sinceMs: now, heartbeatMs: now, observedAtMs: now },
      );
    }
    if (step.markAnnouncements) mark = announced.length;
    if (step.announcedSinceLast) {
      const since = announced.slice(mark);
      for (const [name, count] of Object.entries(step.announcedSinceLast)) {
        expect(
          since.filter((n) => n === name),
          `${where}: announcements of ${name}`,
        ).toHaveLength(count);
      }
    }
    if (step.expect) check(board, step.expect, `${where} (${timeline.description})`);
  });
}

const causes = load('causes');
const combos = load('combos');

describe('classifier over recorded timelines', () => {
  it('has one timeline per cause id, named after it', () => {
    expect(causes.map(([name]) => name.replace('causes/', '')).sort()).toEqual([...CAUSE_IDS].sort());
  });

  describe.each(causes)('%s', (_name, timeline) => {
    it(timeline.description, () => replay(timeline));
  });

  describe.each(combos)('%s', (_name, timeline) => {
    it(timeline.description, () => replay(timeline));
  });
});
