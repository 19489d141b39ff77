import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestRank } from '../../../agent/dns/percentile.js';
import { ProbeWindow, ProbeWindows } from '../../../agent/dns/probe-window.js';
import { probe } from './dns-test-support.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('nearestRank', () => {
  it('picks observed values: p50 and p95 of 1..20', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRank(values, 0.5)).toBe(10);
    expect(nearestRank(values, 0.95)).toBe(19);
    expect(nearestRank(values, 1)).toBe(20);
    expect(nearestRank(values, 0)).toBe(1);
  });

  it('is the only value of a single sample and undefined for none', () => {
    expect(nearestRank([0.3], 0.95)).toBe(0.3);
    expect(nearestRank([], 0.5)).toBeUndefined();
  });

  it('has at least p of the values at or below it, and fewer than p strictly below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const q = nearestRank(sorted, p) as number;
          expect(sorted).toContain(q);
          expect(sorted.filter((v) => v <= q).length).toBeGreaterThanOrEqual(Math.ceil(p * sorted.length));
          expect(sorted.filter((v) => v < q).length).toBeLessThan(Math.ceil(p * sorted.length));
        },
      ),
    );
  });
});

describe('ProbeWindow', () => {
  it('counts outcomes, failures and timeouts; late answers are not failures', () => {
    const window = new ProbeWindow(60_000, manualClock().now);
    window.add([
      probe('ok', 0.002),
      probe('late', 0.4),
      probe('timeout'),
      probe('timeout'),
      probe('refused'),
      probe('rcode', 0.003),
    ]);
    const stats = window.stats();
    expect(stats).toMatchObject({ probes: 6, failures: 4, timeouts: 2, answered: 3 });
    expect(stats.failureRatio).toBeCloseTo(4 / 6, 12);
    expect(stats.outcomes).toEqual({ ok: 1, late: 1, timeout: 2, refused: 1, rcode: 1, error: 0 });
  });

  it('takes percentiles over answered probes only', () => {
    const window = new ProbeWindow(60_000, manualClock().now);
    window.add([probe('ok', 0.001), probe('ok', 0.002), probe('late', 0.9), probe('timeout')]);
    const stats = window.stats();
    expect(stats.p50Seconds).toBe(0.002);
    expect(stats.p95Seconds).toBe(0.9);
  });

  it('forgets probes older than the window, keeps the ones inside it', () => {
    const clock = manualClock();
    const window = new ProbeWindow(60_000, clock.now);
    window.add([probe('timeout'), probe('timeout')]);
    clock.advance(30_000);
    window.add([probe('ok', 0.001)]);
    expect(window.stats()).toMatchObject({ probes: 3, failures: 2 });
    clock.advance(30_000);
    // The first batch is now exactly 60 s old: out. The second is 30 s old: in.
    expect(window.stats()).toMatchObject({ probes: 1, failures: 0, failureRatio: 0, timeouts: 0 });
    clock.advance(30_000);
    expect(window.stats()).toMatchObject({ probes: 0, failureRatio: 0, p50Seconds: null, p95Seconds: null });
  });
});

describe('ProbeWindows', () => {
  it('keeps one window per server and drops servers no longer probed', () => {
    const clock = manualClock();
    const windows = new ProbeWindows(60_000, clock.now);
    expect(windows.record('10.96.0.10:53', [probe('timeout')]).probes).toBe(1);
    expect(windows.record('10.96.0.11:53', [probe('ok', 0.001)]).probes).toBe(1);
    expect(windows.record('10.96.0.10:53', [probe('ok', 0.001)])).toMatchObject({ probes: 2, failures: 1 });
    windows.retain(new Set(['10.96.0.11:53']));
    // A server that comes back starts from an empty window.
    expect(windows.record('10.96.0.10:53', [probe('ok', 0.001)])).toMatchObject({ probes: 1, failures: 0 });
    expect(windows.record('10.96.0.11:53', [])).toMatchObject({ probes: 1 });
  });
});
