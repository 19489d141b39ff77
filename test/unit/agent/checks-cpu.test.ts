import { describe, expect, it } from 'vitest';
import { cpuChecks } from '../../../agent/checks/cpu.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { ok } from '../../../agent/reading.js';
import type { CpuSample } from '../../../agent/sample-types.js';
import { samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();

function cpu(someAvg10: number | null, fields: Partial<CpuSample> = {}) {
  const line = (avg10: number) => ({ avg10Ratio: avg10, avg60Ratio: 0, avg300Ratio: 0, totalSeconds: 1 });
  const sample: CpuSample = {
    cores: 4,
    busyRatio: 0.5,
    iowaitRatio: 0,
    stealRatio: 0,
    load1: 6.5,
    load5: 3,
    load15: 1,
    pressure: someAvg10 === null ? null : { some: line(someAvg10) },
    ...fields,
  };
  return samplesWith({ cpu: ok(sample) });
}

describe('cpuChecks', () => {
  it('is silent just below the 40% warning threshold', () => {
    expect(cpuChecks(cpu(0.3999), t)).toEqual([]);
  });

  it('warns at exactly 40%, against the warning threshold', () => {
    expect(cpuChecks(cpu(0.4), t)).toEqual([
      expect.objectContaining({
        check: 'cpu-psi',
        cause: 'cpu-starvation',
        severity: 'warning',
        value: 0.4,
        threshold: 0.4,
      }),
    ]);
  });

  it('still warns just below 80%', () => {
    expect(cpuChecks(cpu(0.7999), t)[0]).toMatchObject({ severity: 'warning', threshold: 0.4 });
  });

  it('is critical at exactly 80%, against the critical threshold', () => {
    expect(cpuChecks(cpu(0.8), t)).toEqual([
      expect.objectContaining({ severity: 'critical', value: 0.8, threshold: 0.8 }),
    ]);
  });

  it('puts load and cores in the summary, and steal when the hypervisor takes 10% or more', () => {
    const [finding] = cpuChecks(cpu(0.9, { stealRatio: 0.1 }), t);
    expect(finding?.summary).toContain('load 6.50 on 4 cores');
    expect(finding?.summary).toContain('10.0% stolen by the hypervisor');
    expect(cpuChecks(cpu(0.9, { stealRatio: 0.0999 }), t)[0]?.summary).not.toContain('stolen');
  });

  it('is silent on kernels without PSI', () => {
    expect(cpuChecks(cpu(null, { busyRatio: 1 }), t)).toEqual([]);
  });
});
