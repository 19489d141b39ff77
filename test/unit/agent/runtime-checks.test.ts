import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../agent/checks/index.js';
import { runtimeChecks } from '../../../agent/checks/runtime.js';
import { defaultThresholds, parseThresholds } from '../../../agent/config/thresholds.js';
import { NETWORK_READY, RUNTIME_READY } from '../../../agent/cri/runtime-conditions.js';
import { absent, ok, unavailable } from '../../../agent/reading.js';
import type { RuntimeCondition, RuntimeSample, Samples } from '../../../agent/sample-types.js';
import { samplesWith } from '../../harness/samples.js';
import { NETWORK_OK, NO_CNI, READY } from './runtime-test-support.js';

const SOCKET = '/run/containerd/containerd.sock';

function answered(conditions: RuntimeCondition[]): Samples['runtime'] {
  const sample: RuntimeSample = {
    socket: SOCKET,
    apiVersion: 'v1',
    conditions,
    runtimeReady: conditions.find((c) => c.type === RUNTIME_READY)?.status ?? null,
    networkReady: conditions.find((c) => c.type === NETWORK_READY)?.status ?? null,
    latencySeconds: 0.002,
    consecutiveFailures: 0,
  };
  return ok(sample);
}

function down(consecutiveFailures: number, reason = 'UNAVAILABLE: connect ECONNREFUSED'): Samples['runtime'] {
  return {
    status: 'down',
    reason,
    socket: SOCKET,
    apiVersion: 'v1',
    latencySeconds: null,
    consecutiveFailures,
  };
}

const check = (runtime: Samples['runtime'], thresholds = defaultThresholds()) =>
  runtimeChecks(samplesWith({ runtime }), thresholds);

describe('runtime checks', () => {
  it('a runtime reporting RuntimeReady and NetworkReady raises nothing', () => {
    expect(check(answered([READY, NETWORK_OK]))).toEqual([]);
  });

  it('one failed Status call is not yet container-runtime-down (default: two in a row)', () => {
    expect(check(down(1))).toEqual([]);
  });

  it('two failed calls in a row are critical container-runtime-down, with the reason, and no cni-not-ready', () => {
    const findings = check(down(2, 'no answer to RuntimeService/Status within 5s (DEADLINE_EXCEEDED)'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'runtime-status',
      cause: 'container-runtime-down',
      severity: 'critical',
      value: 2,
      threshold: 2,
    });
    expect(findings[0]?.summary).toContain(SOCKET);
    expect(findings[0]?.summary).toContain('within 5s (DEADLINE_EXCEEDED)');
  });

  it('follows --threshold runtime-failures', () => {
    const thresholds = parseThresholds(['runtime-failures=3']);
    expect(check(down(2), thresholds)).toEqual([]);
    expect(check(down(3), thresholds)).toMatchObject([
      { cause: 'container-runtime-down', value: 3, threshold: 3 },
    ]);
  });

  it('NetworkReady=false is critical cni-not-ready carrying the runtime reason and message', () => {
    const findings = check(answered([READY, NO_CNI]));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'runtime-network',
      cause: 'cni-not-ready',
      severity: 'critical',
      value: null,
      threshold: null,
      details: { condition: NO_CNI },
    });
    expect(findings[0]?.summary).toContain(
      'NetworkReady=false (NetworkPluginNotReady: Network plugin returns error: cni plugin not initialized)',
    );
  });

  it('RuntimeReady=false is critical container-runtime-down even though the runtime answers', () => {
    const notReady = {
      type: RUNTIME_READY,
      status: false,
      reason: 'ContainerdNotReady',
      message: 'shim failed',
    };
    const findings = check(answered([notReady, NETWORK_OK]));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'runtime-status', cause: 'container-runtime-down' });
    expect(findings[0]?.summary).toContain('RuntimeReady=false (ContainerdNotReady: shim failed)');
  });

  it('both conditions false raise both findings', () => {
    const notReady = { ...READY, status: false };
    expect(check(answered([notReady, NO_CNI])).map((f) => f.cause)).toEqual([
      'container-runtime-down',
      'cni-not-ready',
    ]);
  });

  it('missing conditions count as not ready, as in the kubelet', () => {
    const findings = check(answered([]));
    expect(findings.map((f) => f.cause)).toEqual(['container-runtime-down', 'cni-not-ready']);
    expect(findings[0]?.summary).toContain('reports no RuntimeReady condition');
    expect(findings[1]?.summary).toContain('reports no NetworkReady condition');
    expect(findings[1]?.details).toEqual({ condition: null });
  });

  it('absent and unavailable runtimes raise nothing', () => {
    expect(check(absent('no container runtime socket on this host'))).toEqual([]);
    expect(check(unavailable('CRI proto files not found'))).toEqual([]);
  });

  it('is part of evaluate(): the runtime findings reach the report', () => {
    const findings = evaluate(samplesWith({ runtime: answered([READY, NO_CNI]) }), defaultThresholds());
    expect(findings.filter((f) => f.cause === 'cni-not-ready')).toHaveLength(1);
  });
});
