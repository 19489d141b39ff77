import type { Finding } from '../finding.js';
import type { Check } from './check.js';
import { finding, probeFailureDetails } from './check.js';

/**
 * Kubelet healthz and API server reachability: failing N probes in a row. The signals retry a failed probe
 * once within the cycle (probes/probe-retry.ts), so the default of 2 is met in the first failing cycle.
 */
export const endpointChecks: Check = ({ kubelet, apiserver }, t) => {
  const findings: Finding[] = [];
  const kubeletLimit = t['kubelet-failures'];
  if (kubelet.status === 'down' && (kubelet.consecutiveFailures ?? 0) >= kubeletLimit) {
    findings.push(
      finding(
        'kubelet-health',
        'critical',
        `The kubelet failed ${kubelet.consecutiveFailures} health checks in a row at ${kubelet.url} (${kubelet.reason}): the node stops posting status and goes NotReady.`,
        kubelet.consecutiveFailures ?? null,
        kubeletLimit,
        probeFailureDetails(kubelet.failure),
      ),
    );
  }
  const apiLimit = t['apiserver-failures'];
  if (apiserver.status === 'down' && (apiserver.consecutiveFailures ?? 0) >= apiLimit) {
    findings.push(
      finding(
        'apiserver-reachability',
        'critical',
        `The API server at ${apiserver.url} was unreachable ${apiserver.consecutiveFailures} times in a row (${apiserver.reason}): the kubelet cannot renew its lease.`,
        apiserver.consecutiveFailures ?? null,
        apiLimit,
        probeFailureDetails(apiserver.failure),
      ),
    );
  }
  return findings;
};
