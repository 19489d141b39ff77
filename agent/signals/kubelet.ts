import { access } from 'node:fs/promises';
import { AbsentRecheck } from '../probes/absent-recheck.js';
import { HttpProbe } from '../probes/http-probe.js';
import { failureOf } from '../probes/probe-failure.js';
import {
  type ProbeAttempt,
  probeWithRetry,
  type RetryClock,
  SYSTEM_RETRY_CLOCK,
} from '../probes/probe-retry.js';
import { ProbeTracker } from '../probes/probe-tracker.js';
import { absent, ok } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

/**
 * GET the kubelet's healthz; 200 is healthy, anything else (or no answer) is a failure. A failure is asked
 * again within the cycle on a fresh connection, so `consecutiveFailures` reaches the kubelet-failures
 * threshold (2) in the first cycle after the kubelet stops, while one lost probe answered by the retry
 * stays ok (with `retried: true`).
 */
export function createKubeletSignal(
  { config, paths }: SignalContext,
  clock: RetryClock = SYSTEM_RETRY_CLOCK,
): Signal<'kubelet'> {
  const url = config.kubeletHealthzUrl.value;
  const tracker = new ProbeTracker(config.kubeletHealthzUrl.explicit);
  const recheck = new AbsentRecheck(config.rediscoverMs);
  const probe = new HttpProbe(url, { timeoutMs: config.probeTimeoutMs });
  const timing = { intervalMs: config.intervalMs, probeTimeoutMs: config.probeTimeoutMs, clock };

  async function attempt(over: HttpProbe): Promise<ProbeAttempt<number>> {
    try {
      const result = await over.get();
      return result.status === 200
        ? { ok: true, value: result.latencySeconds }
        : { ok: false, reason: `HTTP ${result.status} from ${url}`, failure: 'status' };
    } catch (error) {
      return {
        ok: false,
        reason: error instanceof Error ? error.message : String(error),
        failure: failureOf(error),
      };
    }
  }

  /** A kubelet config on the host means a kubelet is supposed to run here, answering or not. */
  function installed(): Promise<boolean> {
    return access(paths.host(config.kubeletConfigPath)).then(
      () => true,
      () => false,
    );
  }

  async function retryFresh(timeoutMs: number): Promise<ProbeAttempt<number>> {
    const fresh = new HttpProbe(url, { timeoutMs });
    try {
      return await attempt(fresh);
    } finally {
      fresh.close();
    }
  }

  return {
    name: 'kubelet',
    async sample() {
      const remembered = recheck.current();
      if (remembered) return remembered;
      const { result, retried } = await probeWithRetry(
        timing,
        () => attempt(probe),
        retryFresh,
        (answered) => (answered ? tracker.succeeded() : tracker.failed()),
        // A host with no kubelet (a laptop, CI) should learn it is absent without waiting for a retry.
        async () => tracker.expected(await installed()),
      );
      const consecutiveFailures = tracker.streak;
      if (result.ok) {
        return ok({
          url,
          latencySeconds: result.value,
          consecutiveFailures,
          ...(retried ? { retried } : {}),
        });
      }
      if (!tracker.expected(await installed())) {
        return recheck.remember(absent(`no kubelet answers at ${url} and none is configured on this host`));
      }
      return {
        status: 'down',
        reason: result.reason,
        failure: result.failure,
        url,
        latencySeconds: null,
        consecutiveFailures,
        retried,
      };
    },
    close() {
      probe.close();
    },
  };
}
