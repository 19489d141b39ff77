import { readFile } from 'node:fs/promises';
import { HttpProbe, type HttpProbeResult } from '../probes/http-probe.js';
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

/** The service-account CA mounted into every pod (a path in the agent's container, not the host). */
const IN_CLUSTER_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** The in-cluster API server address from the environment the kubelet gives every pod. */
export function inClusterApiserverUrl(env: NodeJS.ProcessEnv): string | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) return undefined;
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * TLS connect and GET /readyz. Any HTTP answer proves reachability: 401/403 (anonymous auth off) count
 * as reachable, since the question is whether this node can talk to its control plane at all. No answer is
 * asked again within the cycle on a fresh connection (probes/probe-retry.ts), so failures count attempts.
 */
export function createApiserverSignal(
  { config }: SignalContext,
  env: NodeJS.ProcessEnv = process.env,
  clock: RetryClock = SYSTEM_RETRY_CLOCK,
): Signal<'apiserver'> {
  const base = config.apiserverUrl ?? inClusterApiserverUrl(env);
  // Named by flag or by the in-cluster environment: either way an API server is expected to answer.
  const tracker = new ProbeTracker(base !== undefined);
  const url = base === undefined ? undefined : new URL('/readyz', base).toString();
  /** Made at the first sample, once the CA (if any) is read; keeps one connection to the API server. */
  let probe: HttpProbe | undefined;
  /** The CA read at the first sample, reused by the retry's fresh connection. */
  let ca: Buffer | undefined;
  const timing = { intervalMs: config.intervalMs, probeTimeoutMs: config.probeTimeoutMs, clock };

  async function attempt(over: HttpProbe): Promise<ProbeAttempt<HttpProbeResult>> {
    try {
      return { ok: true, value: await over.get() };
    } catch (error) {
      return {
        ok: false,
        reason: error instanceof Error ? error.message : String(error),
        failure: failureOf(error),
      };
    }
  }
  return {
    name: 'apiserver',
    async sample() {
      if (url === undefined) {
        return absent('not in a cluster (no KUBERNETES_SERVICE_HOST) and no --apiserver-url');
      }
      if (probe === undefined) {
        ca = await readFile(IN_CLUSTER_CA).catch(() => undefined);
        probe = new HttpProbe(url, { timeoutMs: config.probeTimeoutMs, ...(ca ? { ca } : {}) });
      }
      const kept = probe;
      const { result, retried } = await probeWithRetry(
        timing,
        () => attempt(kept),
        async (timeoutMs) => {
          const fresh = new HttpProbe(url, { timeoutMs, ...(ca ? { ca } : {}) });
          try {
            return await attempt(fresh);
          } finally {
            fresh.close();
          }
        },
        (answered) => (answered ? tracker.succeeded() : tracker.failed()),
      );
      const consecutiveFailures = tracker.streak;
      if (result.ok) {
        return ok({
          url,
          httpStatus: result.value.status,
          latencySeconds: result.value.latencySeconds,
          consecutiveFailures,
          ...(retried ? { retried } : {}),
        });
      }
      return {
        status: 'down',
        reason: result.reason,
        failure: result.failure,
        url,
        httpStatus: null,
        latencySeconds: null,
        consecutiveFailures,
        retried,
      };
    },
    close() {
      probe?.close();
    },
  };
}
