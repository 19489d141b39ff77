import { describe, expect, it } from 'vitest';
import { endpointChecks } from '../../../agent/checks/endpoints.js';
import { defaultThresholds, parseThresholds } from '../../../agent/config/thresholds.js';
import { absent, ok } from '../../../agent/reading.js';
import type { Samples } from '../../../agent/sample-types.js';
import { samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();
const KUBELET_URL = 'http://127.0.0.1:10248/healthz';
const API_URL = 'https://10.0.0.1:6443/readyz';

function kubeletDown(consecutiveFailures: number | undefined): Samples {
  return samplesWith({
    kubelet: {
      status: 'down',
      reason: 'connect ECONNREFUSED 127.0.0.1:10248',
      url: KUBELET_URL,
      consecutiveFailures,
    },
  });
}

function apiserverDown(consecutiveFailures: number): Samples {
  return samplesWith({
    apiserver: { status: 'down', reason: 'timeout after 5s', url: API_URL, consecutiveFailures },
  });
}

describe('endpointChecks: kubelet', () => {
  it('is silent after one failure', () => {
    expect(endpointChecks(kubeletDown(1), t)).toEqual([]);
  });

  it('is critical kubelet-down at the second failure in a row, with URL and reason', () => {
    const findings = endpointChecks(kubeletDown(2), t);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'kubelet-health',
        cause: 'kubelet-down',
        severity: 'critical',
        value: 2,
        threshold: 2,
      }),
    ]);
    expect(findings[0]?.summary).toContain(
      `2 health checks in a row at ${KUBELET_URL} (connect ECONNREFUSED`,
    );
  });

  it('follows --threshold kubelet-failures', () => {
    const three = parseThresholds(['kubelet-failures=3']);
    expect(endpointChecks(kubeletDown(2), three)).toEqual([]);
    expect(endpointChecks(kubeletDown(3), three)).toHaveLength(1);
  });

  it('is silent when the kubelet answers, is absent, or the streak is unknown', () => {
    expect(
      endpointChecks(
        samplesWith({ kubelet: ok({ url: KUBELET_URL, latencySeconds: 0.001, consecutiveFailures: 0 }) }),
        t,
      ),
    ).toEqual([]);
    expect(endpointChecks(samplesWith({ kubelet: absent('no kubelet on this host') }), t)).toEqual([]);
    expect(endpointChecks(kubeletDown(undefined), t)).toEqual([]);
  });
});

describe('endpointChecks: API server', () => {
  it('is silent after one failure and critical apiserver-unreachable at the second', () => {
    expect(endpointChecks(apiserverDown(1), t)).toEqual([]);
    expect(endpointChecks(apiserverDown(2), t)).toEqual([
      expect.objectContaining({
        check: 'apiserver-reachability',
        cause: 'apiserver-unreachable',
        severity: 'critical',
        value: 2,
        threshold: 2,
      }),
    ]);
  });

  it('reports kubelet and API server together', () => {
    const both = samplesWith({ ...kubeletDown(5), apiserver: apiserverDown(5).apiserver });
    expect(endpointChecks(both, t).map((finding) => finding.check)).toEqual([
      'kubelet-health',
      'apiserver-reachability',
    ]);
  });
});
