import { describeCondition, findCondition, NETWORK_READY, RUNTIME_READY } from '../cri/runtime-conditions.js';
import type { Finding } from '../finding.js';
import type { RuntimeCondition } from '../sample-types.js';
import type { Check } from './check.js';
import { finding, probeFailureDetails } from './check.js';

function conditionDetails(condition: RuntimeCondition | undefined): Record<string, unknown> {
  return condition === undefined ? { condition: null } : { condition };
}

/**
 * The container runtime as the kubelet judges it (kubelet updateRuntimeUp): no answer to CRI Status for
 * `runtime-failures` probes in a row, or a RuntimeReady / NetworkReady condition that is false or
 * missing, each of which makes the kubelet report the node NotReady.
 */
export const runtimeChecks: Check = ({ runtime }, t) => {
  if (runtime.status === 'down') {
    const limit = t['runtime-failures'];
    const failures = runtime.consecutiveFailures ?? 0;
    if (failures < limit) return [];
    const where = runtime.socket === undefined ? '' : ` at ${runtime.socket}`;
    // Network readiness is unknown while the runtime does not answer: no cni-not-ready on top.
    return [
      finding(
        'runtime-status',
        'critical',
        `The container runtime${where} failed ${failures} CRI Status calls in a row (${runtime.reason}): the kubelet reports "container runtime is down" and the node goes NotReady.`,
        failures,
        limit,
        probeFailureDetails(runtime.failure),
      ),
    ];
  }
  if (runtime.status !== 'ok') return [];

  const findings: Finding[] = [];
  const runtimeReady = findCondition(runtime.conditions, RUNTIME_READY);
  if (runtimeReady?.status !== true) {
    findings.push(
      finding(
        'runtime-status',
        'critical',
        runtimeReady === undefined
          ? `The container runtime at ${runtime.socket} reports no ${RUNTIME_READY} condition, which the kubelet treats as "container runtime not ready": the node goes NotReady.`
          : `The container runtime at ${runtime.socket} reports ${RUNTIME_READY}=false (${describeCondition(runtimeReady)}): the kubelet reports "container runtime not ready" and the node goes NotReady.`,
        null,
        null,
        { details: conditionDetails(runtimeReady) },
      ),
    );
  }
  const networkReady = findCondition(runtime.conditions, NETWORK_READY);
  if (networkReady?.status !== true) {
    findings.push(
      finding(
        'runtime-network',
        'critical',
        networkReady === undefined
          ? `The container runtime at ${runtime.socket} reports no ${NETWORK_READY} condition, which the kubelet treats as "container runtime network not ready": pods cannot get a network and the node goes NotReady.`
          : `The container runtime at ${runtime.socket} reports ${NETWORK_READY}=false (${describeCondition(networkReady)}): the CNI plugin is not ready, pods cannot get a network and the node goes NotReady.`,
        null,
        null,
        { details: conditionDetails(networkReady) },
      ),
    );
  }
  return findings;
};
