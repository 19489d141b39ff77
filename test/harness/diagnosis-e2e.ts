import { tmpdir } from 'node:os';
import type { CauseJson, EvidenceJson, NodeDetailJson, NodeStatusString } from '../../common/api/http-v1.js';
import type { CauseIdString } from '../../common/ids.js';
import { type RunningAgent, startAgent } from './agent-process.js';
import { CollectorProcess, killOnExit } from './collector-process.js';
import type { Netns } from './netns.js';
import { bridgeIntoNetns, type NetnsBridge } from './netns-bridge.js';
import { waitFor } from './wait-for.js';

/*
 * The end-to-end rig of the diagnosis tests and the fault-to-cause benchmark: a real collector process on
 * loopback and a real agent process streaming to it at a short interval, with the fault-specific flags of
 * each test. What the tests then read is what on-call reads: GET /api/v1/nodes/{node}.
 */

/** Short, so a test sees a fault turn into a cause (and clear) within seconds; the agent's floor is lower. */
export const E2E_INTERVAL_MS = 1_000;
/**
 * Probes of this host's fake kubelet and real containerd give up after this: they answer in milliseconds,
 * and a wedged one must not stretch a 1 s cycle much.
 */
export const E2E_PROBE_TIMEOUT = '300ms';
/**
 * How long the tests wait for a cause to show on the API, or to clear, in sampling intervals. Ten is a
 * generous bound for a failing test to end on, never a figure asserted (the benchmark measures that).
 */
export const SETTLE_INTERVALS = 10;
/** The collector's default gRPC port, inside a test's namespace (where nothing else listens) unless told. */
const DEFAULT_BRIDGE_PORT = 50051;
/** How often the API is read while waiting: a tenth of an interval, so the moment is not missed by much. */
const POLL_MS = 100;

/**
 * Thresholds of the host-wide signals a test does not inject, set so ambient load of this shared machine
 * cannot raise them: other work here keeps PSI cpu "some" around 50% at times (above the 40% default), and
 * builds can stall its disk. Their causes would then compete with the fault under test for the top place.
 * A test that injects one of them passes its own thresholds after these (the last --threshold of a key wins).
 */
export const AMBIENT_QUIET_FLAGS: readonly string[] = [
  '--threshold',
  'cpu-psi-some-warning-ratio=1',
  '--threshold',
  'cpu-psi-some-critical-ratio=1',
  '--threshold',
  'io-psi-full-ratio=1',
  '--threshold',
  'disk-await-seconds=1h',
  // Kernel-log events (OOM kills, hung tasks) of earlier tests on this host must not be read back at start
  // (the hold is also the look-back); a test that injects one passes its own hold.
  '--event-hold',
  '0s',
  // Only the test's own filesystems: this one is the temp dir's, which the tests never fill.
  '--disk-path',
  tmpdir(),
];

/**
 * The cpu-starvation threshold (warning and critical alike) of the tests and benchmark that inject it: the
 * agent's default critical level, above what ambient load here reaches (PSI cpu some around 50% at times,
 * over the 40% warning default), below what two hogs per CPU reach. Not higher: on this 2-vCPU VM PSI some
 * under the hogs was seen to hover under 90% for over a minute.
 */
export const CPU_STARVATION_RATIO = 0.8;

export interface DiagnosisRigOptions {
  /** Node name the agent reports as; unique per test keeps their timelines apart. */
  readonly node: string;
  /** The fault-specific flags (--kubelet-healthz-url, --dns-server, --disk-path, thresholds, ...). */
  readonly agentArgs?: readonly string[];
  /** Run the agent inside this namespace (DNS, conntrack); the collector stays on the host's loopback. */
  readonly netns?: Netns;
  /** With `netns`: the port of the namespace's loopback that leads to the collector. */
  readonly bridgePort?: number;
  readonly intervalMs?: number;
}

export class DiagnosisRig {
  private constructor(
    readonly collector: CollectorProcess,
    private agentProcess: RunningAgent,
    private readonly agentArgs: readonly string[],
    private readonly options: DiagnosisRigOptions,
    private readonly bridge: NetnsBridge | undefined,
  ) {}

  static async start(options: DiagnosisRigOptions): Promise<DiagnosisRig> {
    // At info level: the harness learns the collector's ports from its "collector listening" line.
    const collector = await CollectorProcess.start();
    let bridge: NetnsBridge | undefined;
    try {
      if (options.netns) {
        bridge = await bridgeIntoNetns(
          options.netns,
          options.bridgePort ?? DEFAULT_BRIDGE_PORT,
          collector.grpcPort,
        );
      }
      const intervalMs = options.intervalMs ?? E2E_INTERVAL_MS;
      const agentArgs = [
        '--collector',
        bridge?.target ?? collector.grpcTarget,
        '--node-name',
        options.node,
        '--interval',
        `${intervalMs}ms`,
        '--probe-timeout',
        E2E_PROBE_TIMEOUT,
        ...AMBIENT_QUIET_FLAGS,
        ...(options.agentArgs ?? []),
      ];
      const agent = await DiagnosisRig.launch(agentArgs, options.netns);
      return new DiagnosisRig(collector, agent, agentArgs, options, bridge);
    } catch (error) {
      await bridge?.close();
      await collector.dispose();
      throw error;
    }
  }

  private static async launch(args: readonly string[], netns: Netns | undefined): Promise<RunningAgent> {
    const agent = await startAgent(args, netns ? { netns: netns.name } : {});
    killOnExit(agent.child);
    return agent;
  }

  get node(): string {
    return this.options.node;
  }

  get intervalMs(): number {
    return this.options.intervalMs ?? E2E_INTERVAL_MS;
  }

  get agent(): RunningAgent {
    return this.agentProcess;
  }

  /** The bound of every wait below, unless a test passes its own (a signal with its own averaging). */
  get settleMs(): number {
    return SETTLE_INTERVALS * this.intervalMs;
  }

  /** GET /api/v1/nodes/{node}; undefined until the agent's first hello. */
  detail(): Promise<NodeDetailJson | undefined> {
    return this.collector.node(this.node);
  }

  /** Polls the API until `accept` returns a value; the failure names the last document seen. */
  async waitForDetail<T>(
    what: string,
    accept: (detail: NodeDetailJson) => T | undefined,
    timeoutMs = this.settleMs,
  ): Promise<T> {
    let last: NodeDetailJson | undefined;
    return waitFor(
      `${what} on GET /api/v1/nodes/${this.node}`,
      async () => {
        last = await this.detail();
        return last ? accept(last) : undefined;
      },
      { timeoutMs, intervalMs: POLL_MS },
      () => describeDetail(last),
    );
  }

  /** The node reporting, Ready, with no cause: the baseline every fault is injected into. */
  async waitForHealthy(timeoutMs = this.settleMs): Promise<NodeDetailJson> {
    return this.waitForDetail(
      'status Ready with no cause',
      (detail) => (detail.status === 'Ready' && detail.causes.length === 0 ? detail : undefined),
      timeoutMs,
    );
  }

  /** The document once `id` is the top cause (causes[0]); returns that cause with it. */
  async waitForTopCause(
    id: CauseIdString,
    timeoutMs = this.settleMs,
  ): Promise<{ detail: NodeDetailJson; cause: CauseJson }> {
    return this.waitForDetail(
      `top cause ${id}`,
      (detail) => {
        const [cause] = detail.causes;
        return cause?.id === id ? { detail, cause } : undefined;
      },
      timeoutMs,
    );
  }

  /** The document once no cause `id` is listed any more. */
  async waitForCleared(id: CauseIdString, timeoutMs = this.settleMs): Promise<NodeDetailJson> {
    return this.waitForDetail(
      `${id} cleared`,
      (detail) => (detail.causes.some((cause) => cause.id === id) ? undefined : detail),
      timeoutMs,
    );
  }

  /** SIGKILL: the agent vanishes mid-stream, as on a node that lost power or network. */
  async killAgent(): Promise<void> {
    const { child } = this.agentProcess;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A new agent process with the same flags (and node name), after killAgent(). */
  async restartAgent(): Promise<void> {
    await this.killAgent();
    this.agentProcess = await DiagnosisRig.launch(this.agentArgs, this.options.netns);
  }

  async dispose(): Promise<void> {
    await this.killAgent();
    await this.bridge?.close();
    await this.collector.dispose();
  }
}

/** The evidence items of a cause that carry findings of that cause (what the cause rests on). */
export function findingEvidence(cause: CauseJson): EvidenceJson[] {
  return cause.evidence.filter((item) => item.finding?.cause === cause.id);
}

/** Status and causes in one line, for failure messages. */
export function describeDetail(detail: NodeDetailJson | undefined): string {
  if (!detail) return 'no such node yet (404)';
  const causes = detail.causes.map((cause) => `${cause.id}(${cause.severity}): ${cause.summary}`);
  return `status ${detail.status}; causes ${JSON.stringify(causes)}`;
}

/** Statuses a node with an active fault may show; the classifier decides which one each cause implies. */
export const NOT_READY_OR_AT_RISK: readonly NodeStatusString[] = ['AtRisk', 'NotReady'];
