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
import { ProbeTracker } from '../probes/probe-tracker.js';
import { absent, ok } from '../reading.js';
import type { RuntimeSample } from '../sample-types.js';
import type { Signal, SignalContext } from './signal.js';

export const NO_RUNTIME_SOCKET_REASON = `no container runtime socket on this host (looked for ${WELL_KNOWN_CRI_SOCKETS.join(', ')})`;

/**
 * The container runtime as the kubelet sees it: CRI RuntimeService/Status over the runtime's unix
 * socket (--cri-socket, else the first well-known one that exists, looked for each cycle until found).
 * No socket anywhere is `absent`; a socket that was configured or found and then fails is `down`.
 */
export function createRuntimeSignal({ config, paths, logger }: SignalContext): Signal<'runtime'> {
  const configured = config.criSocket === undefined ? undefined : socketPathOf(config.criSocket);
  const tracker = new ProbeTracker(configured !== undefined);
  /** Host path of the socket in use, as reported (not resolved under --host-root). */
  let socket = configured;
  /** Made once, when the socket first exists; a rejected connect (install fault) stays rejected. */
  let client: Promise<CriStatusClient> | undefined;
  /** The CRI version that answered last, kept in down readings as a hint of what used to work. */
  let apiVersion: string | null = null;
  const recheck = new AbsentRecheck(config.rediscoverMs);

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
      const hostPath = paths.host(socket);
      const down = (reason: string) =>
        ({
          status: 'down',
          reason,
          socket,
          apiVersion,
          latencySeconds: null,
          consecutiveFailures: tracker.failed(),
        }) as const;

      // A vanished socket says more than gRPC's "connect ENOENT", and costs no connection attempt.
      const problem = await socketProblem(hostPath);
      if (problem !== undefined) return down(problem);
      client ??= CriStatusClient.connect(hostPath, config.probeTimeoutMs);
      const cri = await client;
      try {
        const status = await cri.status();
        apiVersion = status.apiVersion;
        const sample: RuntimeSample = {
          socket,
          apiVersion: status.apiVersion,
          conditions: status.conditions,
          runtimeReady: conditionStatus(status.conditions, RUNTIME_READY),
          networkReady: conditionStatus(status.conditions, NETWORK_READY),
          latencySeconds: status.latencySeconds,
          consecutiveFailures: tracker.succeeded(),
        };
        return ok(sample);
      } catch (error) {
        if (!(error instanceof CriCallError)) throw error;
        // A found socket whose server speaks gRPC but no CRI (Docker's containerd) is not a Kubernetes
        // runtime: absent, unless the operator named it or it answered CRI before.
        if (!tracker.expected(!error.notCri)) {
          return absent(`${socket} is not a CRI runtime: it ${error.message}`);
        }
        return down(error.message);
      }
    },
    async close() {
      const pending = client;
      client = undefined;
      (await pending?.catch(() => undefined))?.close();
    },
  };
}
