import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { type CpuTimes, cpuShares, parseProcStat } from '../../../agent/parsers/proc-stat.js';

const CAPTURE = new URL('../../fixtures/hosts/debian12-healthy/proc/stat', import.meta.url);

function times(overrides: Partial<CpuTimes>): CpuTimes {
  return {
    user: 0,
    nice: 0,
    system: 0,
    idle: 0,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    cores: 1,
    ...overrides,
  };
}

describe('parseProcStat', () => {
  it('reads the aggregate line and counts cpuN lines of the captured /proc/stat', () => {
    // "cpu  7920 0 2719 225223 477 0 69 9 0 0" followed by cpu0 and cpu1.
    expect(parseProcStat('/proc/stat', readFileSync(CAPTURE, 'utf8'))).toEqual({
      user: 7920,
      nice: 0,
      system: 2719,
      idle: 225_223,
      iowait: 477,
      irq: 0,
      softirq: 69,
      steal: 9,
      cores: 2,
    });
  });

  it('ignores guest and guest_nice (already counted in user and nice)', () => {
    const text = 'cpu  1 2 3 4 5 6 7 8 900 1000\ncpu0 1 2 3 4 5 6 7 8 900 1000\n';
    const parsed = parseProcStat('/proc/stat', text);
    expect(parsed.steal).toBe(8);
    expect(Object.values(parsed)).not.toContain(900);
  });

  it('accepts the four-field line of very old kernels, missing fields as 0', () => {
    expect(parseProcStat('/proc/stat', 'cpu  10 20 30 40\n')).toEqual(
      times({ user: 10, nice: 20, system: 30, idle: 40 }),
    );
  });

  it('counts at least one core when no cpuN line is present', () => {
    expect(parseProcStat('/proc/stat', 'cpu  1 1 1 1\n').cores).toBe(1);
  });

  it('does not mistake cpuN lines or other lines for the aggregate', () => {
    expect(() => parseProcStat('/proc/stat', 'cpu0 1 2 3 4\nintr 5\n')).toThrow(
      new SignalError('/proc/stat: no usable aggregate "cpu" line'),
    );
  });

  it('rejects truncated, negative, non-numeric and overflowing aggregate lines', () => {
    for (const line of [
      'cpu  7920 0',
      'cpu  1 2 3 -4',
      'cpu  1 2 x 4',
      `cpu  1 2 3 ${'9'.repeat(400)}`,
      '',
    ]) {
      expect(() => parseProcStat('/proc/stat', line)).toThrow(SignalError);
    }
  });
});

describe('cpuShares', () => {
  it('splits the interval into busy, iowait and steal shares', () => {
    const previous = times({ user: 100, system: 50, idle: 800, iowait: 10, steal: 5 });
    // +60 user, +20 system, +100 idle, +10 iowait, +10 steal = 200 ticks.
    const current = times({ user: 160, system: 70, idle: 900, iowait: 20, steal: 15 });
    expect(cpuShares(previous, current)).toEqual({
      busyRatio: 90 / 200,
      iowaitRatio: 10 / 200,
      stealRatio: 10 / 200,
    });
  });

  it('counts steal, irq and softirq as busy (the CPU was not available to idle)', () => {
    const shares = cpuShares(times({}), times({ irq: 1, softirq: 1, steal: 2, idle: 4 }));
    expect(shares?.busyRatio).toBe(0.5);
  });

  it('is null for the same snapshot twice (no time passed)', () => {
    const snapshot = times({ user: 5, idle: 5 });
    expect(cpuShares(snapshot, snapshot)).toBeNull();
  });

  it('ignores a counter that went backwards (CPU hot-unplug) instead of going negative', () => {
    const shares = cpuShares(times({ user: 100, idle: 100 }), times({ user: 50, idle: 200 }));
    expect(shares).toEqual({ busyRatio: 0, iowaitRatio: 0, stealRatio: 0 });
  });

  it('reports a fully busy interval as 1', () => {
    expect(cpuShares(times({}), times({ user: 7, system: 3 }))?.busyRatio).toBe(1);
  });
});
