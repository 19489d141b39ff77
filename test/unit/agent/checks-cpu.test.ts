import { describe, expect, it } from 'vitest';
import { cpuChecks } from '../../../agent/checks/cpu.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { ok } from '../../../agent/reading.js';
import type { CpuSample, PressureLine } from '../../../agent/sample-types.js';
import { pressureLine, samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();
/** The agent's default interval as measured between two reads: never exactly 10 s. */
const INTERVAL_SECONDS = 10.0031;

/** A cycle whose PSI cpu "some" line is this one, with the interval it spans. */
function cpuWith(some: PressureLine, intervalSeconds: number | null = INTERVAL_SECONDS) {
  return cpu(null, { pressure: { some, intervalSeconds } });
}

/** A first cycle (no interval share yet) with this PSI cpu "some" avg10; null: a kernel without PSI. */
function cpu(someAvg10: number | null, fields: Partial<CpuSample> = {}) {
  const sample: CpuSample = {
    cores: 4,
    busyRatio: 0.5,
    iowaitRatio: 0,
    stealRatio: 0,
    load1: 6.5,
    load5: 3,
    load15: 1,
    pressure: someAvg10 === null ? null : { some: pressureLine(someAvg10), intervalSeconds: null },
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

  it('judges avg10 alone on the first sample, and says so', () => {
    const [finding] = cpuChecks(cpu(0.9), t);
    expect(finding?.summary).toBe(
      'Runnable tasks waited for a CPU 90.0% of the last 10 s on average (PSI some avg10, threshold 80.0%); load 6.50 on 4 cores.',
    );
  });

  it('is critical on the interval share when avg10 still lags under the warning level', () => {
    const [finding, ...rest] = cpuChecks(cpuWith(pressureLine(0.31, 0.93)), t);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'critical', value: 0.93, threshold: 0.8 });
    expect(finding?.summary).toBe(
      'Runnable tasks waited for a CPU 93.0% of the last 10 s interval (PSI some; 10 s average 31.0%, threshold 80.0%); load 6.50 on 4 cores.',
    );
  });

  it('warns on the interval share from exactly 40%, and is silent just below when avg10 is too', () => {
    expect(cpuChecks(cpuWith(pressureLine(0.1, 0.4)), t)).toEqual([
      expect.objectContaining({ severity: 'warning', value: 0.4, threshold: 0.4 }),
    ]);
    expect(cpuChecks(cpuWith(pressureLine(0.3999, 0.3999)), t)).toEqual([]);
  });

  it('keeps judging avg10 when it is the higher (a quieter interval after a starved one)', () => {
    const [finding] = cpuChecks(cpuWith(pressureLine(0.61, 0.05), 1.02), t);
    expect(finding).toMatchObject({ severity: 'warning', value: 0.61, threshold: 0.4 });
    expect(finding?.summary).toBe(
      'Runnable tasks waited for a CPU 61.0% of the last 10 s on average (PSI some avg10; the last 1 s interval 5.0%, threshold 40.0%); load 6.50 on 4 cores.',
    );
  });

  it('reads an interval share of 0 (an idle interval, or a fixture tree that does not move) as no stall', () => {
    expect(cpuChecks(cpuWith(pressureLine(0.2, 0)), t)).toEqual([]);
  });

  it('is silent on kernels without PSI', () => {
    expect(cpuChecks(cpu(null, { busyRatio: 1 }), t)).toEqual([]);
  });
});
