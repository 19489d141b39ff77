import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../../collector/diagnosis/diagnosis.js';
import { JitteredBackoff } from '../../../../collector/kube/backoff.js';
import { readinessChanged, readinessOf, timestampMs } from '../../../../collector/kube/node-condition.js';
import {
  EVENT_MESSAGE_LIMIT,
  eventMessage,
  eventTypeOf,
} from '../../../../collector/kube/node-event-message.js';
import { TokenBucket } from '../../../../collector/kube/token-bucket.js';
import { nodeObject } from '../../../harness/fake-apiserver.js';

describe('TokenBucket', () => {
  it('gives its capacity at once, then one token per refill period', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 1_000, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 999;
    expect(bucket.take()).toBe(false);
    now = 1_000;
    expect(bucket.available()).toBe(true);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    // Never more than the capacity, however long it waited.
    now = 1_000_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('JitteredBackoff', () => {
  it('doubles the ceiling up to the cap, draws below it, and starts over after a reset', () => {
    const top = new JitteredBackoff(1_000, 30_000, () => 1);
    expect(Array.from({ length: 7 }, () => top.next())).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    top.reset();
    expect(top.next()).toBe(1_000);
    const half = new JitteredBackoff(1_000, 30_000, () => 0.5);
    expect([half.next(), half.next(), half.next()]).toEqual([500, 1_000, 2_000]);
  });
});

describe('readinessOf', () => {
  it('reads the Ready condition of a recorded Node, with times as Unix ms', () => {
    expect(readinessOf(nodeObject('worker-1', 'status-unknown'), 42)).toEqual({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      sinceMs: Date.parse('2026-11-23T16:31:03Z'),
      heartbeatMs: Date.parse('2026-11-23T16:30:12Z'),
      observedAtMs: 42,
    });
  });

  it('has nothing for a Node without a Ready condition, and reads odd statuses as Unknown', () => {
    expect(readinessOf({ metadata: { name: 'new' }, status: { conditions: [] } }, 0)).toBeUndefined();
    expect(readinessOf({ status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } }, 0)).toMatchObject({
      status: 'Unknown',
      reason: '',
      sinceMs: 0,
    });
    expect(timestampMs(new Date(5))).toBe(5);
    expect(timestampMs('not a time')).toBe(0);
  });

  it('does not count a heartbeat alone as a change', () => {
    const before = readinessOf(nodeObject('a', 'pleg'), 1);
    const after = { ...before, heartbeatMs: 9, observedAtMs: 2 } as typeof before;
    expect(readinessChanged(before, after)).toBe(false);
    expect(readinessChanged(before, readinessOf(nodeObject('a', 'runtime-network'), 3))).toBe(true);
    expect(readinessChanged(before, undefined)).toBe(true);
  });
});

describe('eventMessage', () => {
  const base = new URL('https://nodedoc.example.com/');
  const diagnosis = (summary: string): Diagnosis => ({
    status: 'NotReady',
    causes: [
      {
        id: 'conntrack-exhaustion',
        scope: 'node',
        severity: 'critical',
        confidence: 1,
        summary,
        evidence: [],
        remediation: [],
        runbook: '/runbooks/conntrack-exhaustion',
      },
    ],
  });

  it('cuts an over-long summary, never the runbook link', () => {
    const message = eventMessage(diagnosis('x'.repeat(5_000)), base);
    expect(message).toHaveLength(EVENT_MESSAGE_LIMIT);
    expect(message).toMatch(
      /^NotReady: conntrack-exhaustion — x+… — runbook https:\/\/nodedoc\.example\.com\/runbooks\/conntrack-exhaustion$/,
    );
    expect(eventTypeOf(diagnosis('y'))).toBe('Warning');
    expect(eventTypeOf({ status: 'Ready', causes: [] })).toBe('Normal');
  });
});
