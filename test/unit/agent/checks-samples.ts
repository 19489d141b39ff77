import type { Finding } from '../../../agent/finding.js';
import { absent } from '../../../agent/reading.js';
import type { Samples, SignalName } from '../../../agent/sample-types.js';

/**
 * Shared by the checks-*.test.ts files: one cycle's samples with every signal absent except the ones a
 * test constructs. Checks are pure functions of the samples, so nothing else is needed to drive them.
 */
const SIGNALS: readonly SignalName[] = [
  'cpu',
  'memory',
  'disk',
  'io',
  'processes',
  'conntrack',
  'dns',
  'kubelet',
  'runtime',
  'apiserver',
  'certificate',
  'kernel',
  'identity',
];

export function samplesWith(overrides: Partial<Samples>): Samples {
  const base = Object.fromEntries(SIGNALS.map((name) => [name, absent('not part of this test')]));
  return { ...base, ...overrides } as Samples;
}

/** The findings of one check id. */
export function byCheck(findings: readonly Finding[], check: Finding['check']): Finding[] {
  return findings.filter((finding) => finding.check === check);
}
