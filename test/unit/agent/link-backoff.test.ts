import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../agent/link/backoff.js';
import { LINK_DEFAULTS } from '../../../agent/link/link-tuning.js';

/** Reconnect delays: full jitter under an exponentially growing, capped ceiling. */

const POLICY = { baseMs: 1_000, maxMs: 30_000 };
/** The largest double below 1: what Math.random() can return at most. */
const ALMOST_ONE = 1 - Number.EPSILON / 2;

describe('backoffDelayMs', () => {
  it('doubles the ceiling per attempt from the base up to the max', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7].map(
      (attempt) => backoffDelayMs(POLICY, attempt, () => ALMOST_ONE) + 1,
    );
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('can be anywhere from 0 (full jitter, not "equal jitter" that keeps half the ceiling)', () => {
    expect(backoffDelayMs(POLICY, 4, () => 0)).toBe(0);
    expect(backoffDelayMs(POLICY, 4, () => 0.5)).toBe(8_000);
  });

  it('stays within [0, min(max, base * 2^attempt)) for any attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 1_000_000 }),
        fc.double({ min: 0, max: ALMOST_ONE, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        (attempt, draw, baseMs, maxMs) => {
          const delay = backoffDelayMs({ baseMs, maxMs }, attempt, () => draw);
          const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it('spreads real draws over the window (the agents of a restarted collector do not come back in step)', () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelayMs(POLICY, 10));
    expect(Math.max(...delays)).toBeLessThan(POLICY.maxMs);
    // Uniform over [0, 30 s): 2,000 draws leave no quarter of the window empty.
    for (let quarter = 0; quarter < 4; quarter += 1) {
      const inQuarter = delays.filter((d) => Math.floor(d / (POLICY.maxMs / 4)) === quarter);
      expect(inQuarter.length, `quarter ${quarter}`).toBeGreaterThan(0);
    }
  });

  it('ships with a first retry within a second and a ceiling of half a minute', () => {
    expect(LINK_DEFAULTS.backoff).toEqual({ baseMs: 1_000, maxMs: 30_000 });
  });
});
