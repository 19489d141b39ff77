import { describe, expect, it } from 'vitest';
import {
  MIN_RETRY_TIMEOUT_MS,
  PROBE_RETRY_DELAY_MS,
  type ProbeAttempt,
  planRetry,
  probeWithRetry,
  type RetryClock,
} from '../../../agent/probes/probe-retry.js';

/** A clock that never waits: `sleep` records the delay, advances time and runs the test's hook. */
function fakeClock(onSleep: () => void = () => {}) {
  let now = 0;
  const sleeps: number[] = [];
  const clock: RetryClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      onSleep();
    },
  };
  return {
    clock,
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const FAIL: ProbeAttempt<string> = { ok: false, reason: 'ECONNREFUSED 127.0.0.1:10248', failure: 'refused' };
const ANSWER: ProbeAttempt<string> = { ok: true, value: 'ok' };

describe('planRetry', () => {
  it('waits a quarter of a short interval, and lets the retry use the whole probe timeout when it fits', () => {
    expect(planRetry(1_000, 300, 0)).toEqual({ delayMs: 250, timeoutMs: 300 });
  });

  it('caps the delay at PROBE_RETRY_DELAY_MS on long intervals', () => {
    expect(planRetry(10_000, 300, 0)).toEqual({ delayMs: PROBE_RETRY_DELAY_MS, timeoutMs: 300 });
  });

  it('shortens the retry deadline so the cycle ends within 90% of the interval', () => {
    // 1 s interval, first attempt timed out after 300 ms: 900 - 300 - 250 = 350 ms left, timeout 500 → 350.
    expect(planRetry(1_000, 500, 300)).toEqual({ delayMs: 250, timeoutMs: 350 });
    // 10 s interval with the 5 s default timeout that expired: 9000 - 5000 - 1000 = 3000 ms.
    expect(planRetry(10_000, 5_000, 5_000)).toEqual({ delayMs: 1_000, timeoutMs: 3_000 });
  });

  it('skips the retry when the interval leaves less than MIN_RETRY_TIMEOUT_MS', () => {
    expect(planRetry(1_000, 1_000, 1_000)).toBeUndefined();
    expect(planRetry(1_000, 1_000, 900 - 250 - MIN_RETRY_TIMEOUT_MS + 1)).toBeUndefined();
    expect(planRetry(1_000, 1_000, 900 - 250 - MIN_RETRY_TIMEOUT_MS)).toEqual({
      delayMs: 250,
      timeoutMs: MIN_RETRY_TIMEOUT_MS,
    });
  });
});

describe('probeWithRetry', () => {
  const timing = (clock: RetryClock) => ({ intervalMs: 1_000, probeTimeoutMs: 300, clock });

  it('an answer at the first attempt neither waits nor retries', async () => {
    const { clock, sleeps } = fakeClock();
    const attempts: boolean[] = [];
    let retries = 0;
    const outcome = await probeWithRetry(
      timing(clock),
      async () => ANSWER,
      async () => {
        retries += 1;
        return ANSWER;
      },
      (ok) => attempts.push(ok),
    );
    expect(outcome).toEqual({ result: ANSWER, retried: false });
    expect(sleeps).toEqual([]);
    expect(retries).toBe(0);
    expect(attempts).toEqual([true]);
  });

  it('a failure then an answer is the answer, marked retried, after the planned delay and deadline', async () => {
    const { clock, sleeps } = fakeClock();
    const attempts: boolean[] = [];
    const deadlines: number[] = [];
    const outcome = await probeWithRetry(
      timing(clock),
      async () => FAIL,
      async (timeoutMs) => {
        deadlines.push(timeoutMs);
        return ANSWER;
      },
      (ok) => attempts.push(ok),
    );
    expect(outcome).toEqual({ result: ANSWER, retried: true });
    expect(sleeps).toEqual([250]);
    expect(deadlines).toEqual([300]);
    expect(attempts).toEqual([false, true]);
  });

  it('two failures report the second, and both attempts are counted', async () => {
    const { clock } = fakeClock();
    const attempts: boolean[] = [];
    const second: ProbeAttempt<string> = { ok: false, reason: 'HTTP 500', failure: 'status' };
    const outcome = await probeWithRetry(
      timing(clock),
      async () => FAIL,
      async () => second,
      (ok) => attempts.push(ok),
    );
    expect(outcome).toEqual({ result: second, retried: true });
    expect(attempts).toEqual([false, false]);
  });

  it('a first attempt that used up the interval is not retried', async () => {
    const { clock, sleeps, advance } = fakeClock();
    const attempts: boolean[] = [];
    const outcome = await probeWithRetry(
      timing(clock),
      async () => {
        advance(900);
        return FAIL;
      },
      async () => ANSWER,
      (ok) => attempts.push(ok),
    );
    expect(outcome).toEqual({ result: FAIL, retried: false });
    expect(sleeps).toEqual([]);
    expect(attempts).toEqual([false]);
  });
});
