import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointChecks } from '../../../agent/checks/endpoints.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import type { RetryClock } from '../../../agent/probes/probe-retry.js';
import { createKubeletSignal } from '../../../agent/signals/kubelet.js';
import type { Signal } from '../../../agent/signals/signal.js';
import {
  type Behaviour,
  type FakeEndpoint,
  KUBELET_HEALTHY,
  startFakeEndpoint,
} from '../../harness/http-endpoint.js';
import { contextFor, samplesWith } from '../../harness/samples.js';

/**
 * The kubelet signal's in-cycle retry against a real HTTP server on loopback playing healthz. The retry's
 * pause goes through an injected clock that never waits: its sleep is where a test changes what the
 * "kubelet" answers next, so "fails, then answers the retry" is exact rather than timed.
 */

const KUBELET_500: Behaviour = { kind: 'answer', status: 500, body: '[-]ping failed' };

describe('kubelet signal retry', () => {
  let root: string;
  let kubelet: FakeEndpoint;
  const signals: Signal<'kubelet'>[] = [];
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'nodedoc-kubelet-'));
    kubelet = await startFakeEndpoint(KUBELET_HEALTHY);
  });
  afterEach(async () => {
    for (const signal of signals.splice(0)) await signal.close?.();
    await kubelet.close();
    rmSync(root, { recursive: true, force: true });
  });

  function signalWith(onSleep: () => void = () => {}) {
    const sleeps: number[] = [];
    const clock: RetryClock = {
      now: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
        onSleep();
      },
    };
    const args = [
      '--kubelet-healthz-url',
      `${kubelet.origin}/healthz`,
      '--interval',
      '1s',
      '--probe-timeout',
      '300ms',
    ];
    const signal = createKubeletSignal(contextFor(root, args), clock);
    signals.push(signal);
    return { signal, sleeps };
  }

  it('a healthy kubelet is probed once per cycle, with no pause', async () => {
    const { signal, sleeps } = signalWith();
    const reading = await signal.sample();
    expect(reading).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
    expect(reading.status === 'ok' && reading.retried).toBeUndefined();
    expect(kubelet.requests).toEqual(['/healthz']);
    expect(sleeps).toEqual([]);
  });

  it('a kubelet that fails once and answers the retry stays ok, marked retried, and raises nothing', async () => {
    const { signal, sleeps } = signalWith(() => kubelet.behave(KUBELET_HEALTHY));
    kubelet.behave(KUBELET_500);
    const reading = await signal.sample();
    expect(reading).toMatchObject({ status: 'ok', consecutiveFailures: 0, retried: true });
    expect(kubelet.requests).toEqual(['/healthz', '/healthz']);
    // A quarter of the 1 s interval.
    expect(sleeps).toEqual([250]);
    expect(endpointChecks(samplesWith({ kubelet: reading }), defaultThresholds())).toEqual([]);
    // The next healthy cycle is a plain one again.
    const next = await signal.sample();
    expect(next).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
    expect(next.status === 'ok' && next.retried).toBeUndefined();
  });

  it('a kubelet failing the probe and its retry is kubelet-down in that first cycle', async () => {
    const { signal } = signalWith();
    kubelet.behave(KUBELET_500);
    const reading = await signal.sample();
    expect(reading).toMatchObject({
      status: 'down',
      consecutiveFailures: 2,
      retried: true,
      failure: 'status',
    });
    expect(reading.status === 'down' && reading.reason).toBe(`HTTP 500 from ${kubelet.origin}/healthz`);
    expect(kubelet.requests).toEqual(['/healthz', '/healthz']);
    const findings = endpointChecks(samplesWith({ kubelet: reading }), defaultThresholds());
    expect(findings).toMatchObject([
      {
        check: 'kubelet-health',
        cause: 'kubelet-down',
        value: 2,
        threshold: 2,
        details: { failure: 'status' },
      },
    ]);
    // The streak keeps counting attempts, and an answer resets it.
    expect(await signal.sample()).toMatchObject({ status: 'down', consecutiveFailures: 4 });
    kubelet.behave(KUBELET_HEALTHY);
    expect(await signal.sample()).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
  });

  it('a closed port is refused on both attempts (the retry opens its own connection)', async () => {
    const { signal } = signalWith();
    expect(await signal.sample()).toMatchObject({ status: 'ok' });
    await kubelet.close();
    const reading = await signal.sample();
    expect(reading).toMatchObject({
      status: 'down',
      consecutiveFailures: 2,
      retried: true,
      failure: 'refused',
    });
    expect(reading.status === 'down' && reading.reason).toContain('ECONNREFUSED');
  });

  it('a kubelet neither named, configured nor seen is absent at once, without a retry', async () => {
    await kubelet.close();
    const sleeps: number[] = [];
    const clock: RetryClock = { now: () => 0, sleep: async (ms) => void sleeps.push(ms) };
    // The default URL is not named: only a kubelet config under the (empty) host root would make it expected.
    const signal = createKubeletSignal(contextFor(root, ['--interval', '1s']), clock);
    signals.push(signal);
    expect((await signal.sample()).status).toBe('absent');
    expect(sleeps).toEqual([]);
  });
});
