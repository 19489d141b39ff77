import { describe, expect, it } from 'vitest';
import { processesChecks } from '../../../agent/checks/processes.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { ok } from '../../../agent/reading.js';
import type { ProcessesSample } from '../../../agent/sample-types.js';
import { byCheck, samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();

function processes(fields: Partial<ProcessesSample>) {
  const sample: ProcessesSample = {
    threads: 100,
    pidMax: 32_768,
    threadsMax: 192_730,
    threadsRatio: 0.003,
    fileHandlesAllocated: 600,
    fileHandlesMax: 2_466_170,
    fileHandlesRatio: 0.0002,
    ...fields,
  };
  return samplesWith({ processes: ok(sample) });
}

describe.each([
  ['pid-headroom', 'threadsRatio'],
  ['fd-headroom', 'fileHandlesRatio'],
] as const)('processesChecks %s', (check, field) => {
  const at = (ratio: number) => byCheck(processesChecks(processes({ [field]: ratio }), t), check);

  it('is silent just below 70%', () => {
    expect(at(0.6999)).toEqual([]);
  });

  it('warns at exactly 70% as pid-exhaustion', () => {
    expect(at(0.7)).toEqual([
      expect.objectContaining({
        check,
        cause: 'pid-exhaustion',
        severity: 'warning',
        value: 0.7,
        threshold: 0.7,
      }),
    ]);
  });

  it('still warns just below 90%', () => {
    expect(at(0.8999)[0]).toMatchObject({ severity: 'warning', threshold: 0.7 });
  });

  it('is critical at exactly 90%', () => {
    expect(at(0.9)).toEqual([expect.objectContaining({ severity: 'critical', value: 0.9, threshold: 0.9 })]);
  });
});

describe('processesChecks', () => {
  it('names the lower of pid_max and threads-max as the limit', () => {
    const [finding] = processesChecks(
      processes({ threads: 29_000, pidMax: 4_194_304, threadsMax: 30_000, threadsRatio: 29_000 / 30_000 }),
      t,
    );
    expect(finding?.summary).toContain(
      '29000 threads in use, 96.7% of the limit 30000 (pid_max 4194304, threads-max 30000)',
    );
  });

  it('reports threads and file handles independently', () => {
    const findings = processesChecks(processes({ threadsRatio: 0.95, fileHandlesRatio: 0.75 }), t);
    expect(findings.map((finding) => [finding.check, finding.severity])).toEqual([
      ['pid-headroom', 'critical'],
      ['fd-headroom', 'warning'],
    ]);
  });
});
