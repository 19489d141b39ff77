import type { CauseIdString } from '../../common/ids.js';
import { CPU_STARVATION_RATIO, type DiagnosisRigOptions } from '../../test/harness/diagnosis-e2e.js';
import { type Dnsmasq, startDnsmasq } from '../../test/harness/dnsmasq.js';
import { type FakeEndpoint, KUBELET_HEALTHY, startFakeEndpoint } from '../../test/harness/http-endpoint.js';
import { createNetns, type Netns } from '../../test/harness/netns.js';
import { onlineCpus, type StressRun, startStressNg } from '../../test/harness/stress-ng.js';
import { mountTmpfs, type Tmpfs } from '../../test/harness/tmpfs.js';

/**
 * The faults the fault-to-cause benchmark injects, each the same real fault as its end-to-end test
 * (test/integration/diagnosis-*.test.ts), built from the same harness: set up once per fault, then injected
 * and removed once per trial.
 */
export interface FaultScenario {
  /** The cause the diagnosis must show while the fault holds. */
  readonly cause: CauseIdString;
  /** What is done to the host, for the report. */
  readonly injection: string;
  /**
   * Bound of one wait for the cause to appear or clear: generous (a failed trial ends the run), longer for
   * signals that average over their own window.
   */
  readonly settleMs: number;
  /** Starts what the fault needs and returns how the agent must be run for it. */
  setup(): Promise<Omit<DiagnosisRigOptions, 'node' | 'intervalMs'>>;
  inject(): Promise<void>;
  remove(): Promise<void>;
  teardown(): Promise<void>;
}

/** Ten intervals of 1 s: what the end-to-end tests allow too. */
const DEFAULT_SETTLE_MS = 10_000;
/** PSI avg10 is a 10 s exponential average the kernel updates every 2 s: it climbs and decays over seconds. */
const PSI_SETTLE_MS = 90_000;
/** The DNS window of the benchmark's agent: one interval (see test/integration/diagnosis-dns.test.ts). */
const DNS_TIMEOUT = '900ms';
const DNS_PORT = 5300;
const TMPFS_SIZE = '16M';
/** stress-ng stops by itself after this, should the benchmark be killed before it stops it. */
const STRESS_TIMEOUT = '300s';
const HOGS_PER_CPU = 2;

/** The kubelet's healthz (a local fake) stops answering: each probe times out. */
export function kubeletDown(): FaultScenario {
  let kubelet: FakeEndpoint | undefined;
  return {
    cause: 'kubelet-down',
    injection: 'fake kubelet healthz stops answering (each probe times out)',
    settleMs: DEFAULT_SETTLE_MS,
    async setup() {
      kubelet = await startFakeEndpoint(KUBELET_HEALTHY);
      return { agentArgs: ['--kubelet-healthz-url', `${kubelet.origin}/healthz`] };
    },
    async inject() {
      kubelet?.behave({ kind: 'hang' });
    },
    async remove() {
      kubelet?.behave(KUBELET_HEALTHY);
    },
    async teardown() {
      await kubelet?.close();
    },
  };
}

/** The only DNS server the agent probes (a dnsmasq in a namespace of its own) is stopped. */
export function dnsFailure(intervalMs: number): FaultScenario {
  let netns: Netns | undefined;
  let dnsmasq: Dnsmasq | undefined;
  return {
    cause: 'dns-failure',
    injection: 'dnsmasq (the only DNS server probed, in a namespace) stopped',
    settleMs: DEFAULT_SETTLE_MS,
    async setup() {
      netns = await createNetns('bench-dns');
      dnsmasq = await startDnsmasq(netns, { port: DNS_PORT });
      return {
        netns,
        agentArgs: [
          '--dns-server',
          dnsmasq.server,
          '--dns-timeout',
          DNS_TIMEOUT,
          '--dns-window',
          `${intervalMs}ms`,
        ],
      };
    },
    async inject() {
      await dnsmasq?.stop();
    },
    async remove() {
      if (netns) dnsmasq = await startDnsmasq(netns, { port: DNS_PORT });
    },
    async teardown() {
      await dnsmasq?.stop();
      await netns?.destroy();
    },
  };
}

/** The agent's nodefs (a tmpfs) is filled to the brim. */
export function diskPressure(): FaultScenario {
  let tmpfs: Tmpfs | undefined;
  return {
    cause: 'disk-pressure',
    injection: `nodefs (a ${TMPFS_SIZE} tmpfs) filled to the brim`,
    settleMs: DEFAULT_SETTLE_MS,
    async setup() {
      tmpfs = await mountTmpfs('bench-disk', { size: TMPFS_SIZE });
      return { agentArgs: ['--disk-path', `${tmpfs.dir}=nodefs`] };
    },
    async inject() {
      await tmpfs?.fillSpace();
    },
    async remove() {
      await tmpfs?.empty();
    },
    async teardown() {
      await tmpfs?.unmount();
    },
  };
}

/** stress-ng runs two busy loops per CPU, so a runnable task always waits. */
export function cpuStarvation(): FaultScenario {
  let stress: StressRun | undefined;
  return {
    cause: 'cpu-starvation',
    injection: `stress-ng --cpu (${HOGS_PER_CPU} per CPU); threshold PSI some ≥ ${CPU_STARVATION_RATIO * 100}%`,
    settleMs: PSI_SETTLE_MS,
    async setup() {
      const ratio = String(CPU_STARVATION_RATIO);
      return {
        agentArgs: [
          '--threshold',
          `cpu-psi-some-warning-ratio=${ratio}`,
          '--threshold',
          `cpu-psi-some-critical-ratio=${ratio}`,
        ],
      };
    },
    async inject() {
      stress = startStressNg([
        '--cpu',
        String(onlineCpus() * HOGS_PER_CPU),
        '--timeout',
        STRESS_TIMEOUT,
        '--quiet',
      ]);
    },
    async remove() {
      await stress?.stop();
      stress = undefined;
    },
    async teardown() {
      await stress?.stop();
    },
  };
}

export const FAULT_NAMES = ['kubelet-down', 'dns-failure', 'disk-pressure', 'cpu-starvation'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export function faultScenario(name: FaultName, intervalMs: number): FaultScenario {
  switch (name) {
    case 'kubelet-down':
      return kubeletDown();
    case 'dns-failure':
      return dnsFailure(intervalMs);
    case 'disk-pressure':
      return diskPressure();
    case 'cpu-starvation':
      return cpuStarvation();
  }
}
