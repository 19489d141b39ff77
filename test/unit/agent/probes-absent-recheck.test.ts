import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AbsentRecheck } from '../../../agent/probes/absent-recheck.js';
import { absent } from '../../../agent/reading.js';

describe('AbsentRecheck', () => {
  it('asks to look on first use', () => {
    expect(new AbsentRecheck(60_000).current()).toBeUndefined();
  });

  it('returns the remembered reading until the period is over, then asks to look again', async () => {
    const recheck = new AbsentRecheck(50);
    const reading = recheck.remember(absent('no kubelet'));
    expect(recheck.current()).toBe(reading);
    await sleep(80);
    expect(recheck.current()).toBeUndefined();
  });

  it('with a zero period always looks', () => {
    const recheck = new AbsentRecheck(0);
    recheck.remember(absent('none'));
    expect(recheck.current()).toBeUndefined();
  });
});
