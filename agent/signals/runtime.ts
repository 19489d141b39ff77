import { CriCallError } from '../cri/cri-call-error.js';
import { conditionStatus, NETWORK_READY, RUNTIME_READY } from '../cri/runtime-conditions.js';
import {
  findRuntimeSocket,
  socketPathOf,
  socketProblem,
  WELL_KNOWN_CRI_SOCKETS,
} from '../cri/socket-discovery.js';
import { CriStatusClient } from '../cri/status-client.js';
import { AbsentRecheck } from '../probes/absent-recheck.js';
import {
  type ProbeAttempt,
  probeWithRetry,
  type RetryClock,
  SYSTEM_RETRY_CLOCK,
} from '../probes/probe-retry.js';
import { ProbeTracker } from '../probes/probe-tracker.js';
import { type Absent, absent, ok } from '../reading.js';
import type { RuntimeSample } from '../sample-types.js';
import type { Signal, SignalContext } from './signal.js';

export const NO_RUNTIME_SOCKET_REASON = `no container runtime socket on this host (looked for ${WELL_KNOWN_CRI_SOCKETS.join(', ')})`;

/**
 * The container runtime as the kubelet sees it: CRI RuntimeService/Status over the runtime's unix
 * socket (--cri-socket, else the first well-known one that exists, looked for each cycle until found).
 * No socket anywhere is `absent`; a socket that was configured or found and then fails is `down`. A failed
 * call is asked again within the cycle on a fresh connection (probes/probe-retry.ts), so failures count
 * attempts and a stopped runtime reaches runtime-failures (2) in the first cycle.
 */
export function createRuntimeSignal(
  { config, paths, logger }: SignalContext,
  clock: RetryClock = SYSTEM_RETRY_CLOCK,
): Signal<'runtime'> {
  const configured = config.criSocket === undefined ? undefined : socketPathOf(config.criSocket);
  const tracker = new ProbeTracker(configured !== undefined);
  /** Host path of the socket in use, as reported (not resolved under --host-root). */
  let socket = configured;
  /** Made once, when the socket first exists; a rejected connect (install fault) stays rejected. */
  let client: Promise<CriStatusClient> | undefined;
  /** The CRI version that answered last, kept in down readings as a hint of what used to work. */
  let apiVersion: string | null = null;
  const recheck = new AbsentRecheck(config.rediscoverMs);
  const timing = { intervalMs: config.intervalMs, probeTimeoutMs: config.probeTimeoutMs, clock };

  /**
   * One CRI Status call to `reported` (found at `hostPath`) over the client `connect` gives; a server that
   * speaks gRPC but no CRI throws NotCriRuntime.
   */
  async function attempt(
    reported: string,
    hostPath: string,
    connect: () => Promise<CriStatusClient>,
  ): Promise<ProbeAttempt<RuntimeSample>> {
    // A vanished socket says more than gRPC's "connect ENOENT", and costs no connection attempt.
    const problem = await socketProblem(hostPath);
    if (problem !== undefined) return { ok: false, reason: problem, failure: 'refused' };
    const cri = await connect();
    try {
      const status = await cri.status();
      apiVersion = status.apiVersion;
      return {
        ok: true,
        value: {
          socket: reported,
          apiVersion: status.apiVersion,
          conditions: status.conditions,
          runtimeReady: conditionStatus(status.conditions, RUNTIME_READY),
          networkReady: conditionStatus(status.conditions, NETWORK_READY),
          latencySeconds: status.latencySeconds,
          consecutiveFailures: 0,
        },
      };
    } catch (error) {
      if (!(error instanceof CriCallError)) throw error;
      // A found socket whose server speaks gRPC but no CRI (Docker's containerd) is not a Kubernetes
      // runtime: absent, unless the operator named it or it answered CRI before.
      if (!tracker.expected(!error.notCri)) {
        throw new NotCriRuntime(absent(`${reported} is not a CRI runtime: it ${error.message}`));
      }
      return { ok: false, reason: error.message, failure: error.failure };
    }
  }

  return {
    name: 'runtime',
    async sample() {
      if (socket === undefined) {
        const remembered = recheck.current();
        if (remembered) return remembered;
        socket = await findRuntimeSocket(paths);
        if (socket === undefined) return recheck.remember(absent(NO_RUNTIME_SOCKET_REASON));
        logger.info({ socket }, 'container runtime socket found');
      }
      const reported = socket;
      const hostPath = paths.host(socket);
      let outcome: Awaited<ReturnType<typeof probeWithRetry<RuntimeSample>>>;
      try {
        outcome = await probeWithRetry(
          timing,
          () =>
            attempt(reported, hostPath, () => {
              client ??= CriStatusClient.connect(hostPath, config.probeTimeoutMs);
              return client;
            }),
          async (timeoutMs) => {
            let fresh: CriStatusClient | undefined;
            try {
              return await attempt(reported, hostPath, async () => {
                fresh = await CriStatusClient.connect(hostPath, timeoutMs, { fresh: true });
                return fresh;
              });
            } finally {
              fresh?.close();
            }
          },
          (answered) => (answered ? tracker.succeeded() : tracker.failed()),
        );
      } catch (error) {
        if (error instanceof NotCriRuntime) return error.reading;
        throw error;
      }
      const { result, retried } = outcome;
      const consecutiveFailures = tracker.streak;
      if (result.ok) return ok({ ...result.value, consecutiveFailures, ...(retried ? { retried } : {}) });
      return {
        status: 'down',
        reason: result.reason,
        failure: result.failure,
        socket,
        apiVersion,
        latencySeconds: null,
        consecutiveFailures,
        retried,
      };
    },
    async close() {
      const pending = client;
      client = undefined;
      (await pending?.catch(() => undefined))?.close();
    },
  };
}

/** Thrown out of an attempt when the socket's server is not a CRI runtime: no failure, no retry. */
class NotCriRuntime extends Error {
  constructor(readonly reading: Absent) {
    super(reading.reason);
  }
}
