import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerConntrackLimit, startFiller, trackedNamespace } from '../harness/conntrack-table.js';
import { CPU_STARVATION_RATIO, DiagnosisRig, findingEvidence } from '../harness/diagnosis-e2e.js';
import { MemoryCgroup, memoryCgroupV1Missing } from '../harness/memory-cgroup.js';
import type { Netns } from '../harness/netns.js';
import { onlineCpus, startStressNg } from '../harness/stress-ng.js';
import type { SysctlOverride } from '../harness/sysctl.js';
import { requires } from '../harness/system-requirements.js';

/**
 * End to end, kernel pressure: a real agent streaming to a real collector at 1 s while the kernel is put
 * under real stress — stress-ng starving the CPUs, a memory cgroup whose task the kernel OOM-kills, a
 * namespace's conntrack table filled under a lowered global limit — and the diagnosis read from
 * GET /api/v1/nodes/{node} while the fault holds, and (where the fault can be removed) after.
 */

const HOGS_PER_CPU = 2;
/** stress-ng stops by itself after this, should the runner be killed before its cleanup. */
const STRESS_TIMEOUT = '150s';
/**
 * PSI avg10 is a 10 s exponential average the kernel updates every 2 s: it needs several seconds to climb
 * past the threshold after the hogs start, and to decay below it after they stop, whatever the interval.
 */
const PSI_SETTLE_MS = 90_000;
/**
 * PSI is host-wide: on a shared machine other work (parallel test runners, builds) can hold PSI some over
 * the threshold for a minute or two after the hogs stop, so the healthy baseline and the clearing may wait
 * that long. A dedicated CI machine needs seconds.
 */
const PSI_AMBIENT_MS = 180_000;
/** The test's own timeout: baseline, climb and clearing, each at its bound. */
const CPU_TEST_TIMEOUT_MS = 2 * PSI_AMBIENT_MS + PSI_SETTLE_MS + 30_000;

const OOM_LIMIT_BYTES = 64 * 2 ** 20;
/** Several times the limit, so the worker is certain to hit it. */
const OOM_ALLOCATE = '256M';
const OOM_STRESS_TIMEOUT = '90s';
/**
 * How long the agent holds a kernel-log OOM kill as an active finding (and looks back at start): several
 * intervals, so a classifier that wants a warning in two reports in a row sees it. Kills of earlier tests
 * on this host may be read back and kept by the collector for its event window, so the test does not wait
 * for a healthy baseline: it waits for a kill naming its own cgroup.
 */
const OOM_EVENT_HOLD_MS = 10_000;
/** The kernel logs the kill within milliseconds; the agent reads /dev/kmsg each cycle. */
const OOM_VISIBLE_MS = 30_000;

/** Small enough to fill in a moment with one process's sockets, far above any test's own noise. */
const CONNTRACK_TABLE_LIMIT = 256;
/** How often the filler tries to open one more flow in the full table: 20 drops a second. */
const CONNTRACK_DROP_EVERY_MS = 50;
/** The agent's defaults: utilization at or over 90% is critical. */
const CONNTRACK_CRITICAL_RATIO = 0.9;

const hasCpuPressure = () =>
  existsSync('/proc/pressure/cpu') ? undefined : 'PSI (/proc/pressure/cpu; kernel with CONFIG_PSI=y)';

describe.skipIf(requires({ root: true, commands: ['stress-ng'], check: hasCpuPressure }))(
  'cpu-starvation under stress-ng, end to end',
  () => {
    let rig: DiagnosisRig | undefined;
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
    });

    it(
      'two hogs per CPU: cpu-starvation first with the PSI share; hogs stopped: cleared',
      async () => {
        rig = await DiagnosisRig.start({
          node: 'e2e-cpu-starvation',
          agentArgs: [
            '--threshold',
            `cpu-psi-some-warning-ratio=${CPU_STARVATION_RATIO}`,
            '--threshold',
            `cpu-psi-some-critical-ratio=${CPU_STARVATION_RATIO}`,
          ],
        });
        await rig.waitForHealthy(PSI_AMBIENT_MS);

        const stress = startStressNg([
          '--cpu',
          String(onlineCpus() * HOGS_PER_CPU),
          '--timeout',
          STRESS_TIMEOUT,
          '--quiet',
        ]);
        try {
          const { detail, cause } = await rig.waitForTopCause('cpu-starvation', PSI_SETTLE_MS);
          expect(detail.status).not.toBe('Ready');
          const [evidence] = findingEvidence(cause);
          expect(evidence?.finding).toMatchObject({ check: 'cpu-psi', threshold: CPU_STARVATION_RATIO });
          expect(evidence?.finding.value).toBeGreaterThanOrEqual(CPU_STARVATION_RATIO);
        } finally {
          await stress.stop();
        }
        await rig.waitForCleared('cpu-starvation', PSI_AMBIENT_MS);
        expect((await rig.waitForHealthy()).status).toBe('Ready');
      },
      CPU_TEST_TIMEOUT_MS,
    );
  },
);

describe.skipIf(requires({ root: true, commands: ['stress-ng'], check: memoryCgroupV1Missing }))(
  'oom-kill from a real memory cgroup OOM kill, end to end',
  () => {
    let rig: DiagnosisRig | undefined;
    let cgroup: MemoryCgroup | undefined;
    let stress: ChildProcess | undefined;
    afterEach(async () => {
      if (stress?.pid !== undefined) {
        try {
          process.kill(-stress.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      stress = undefined;
      cgroup?.remove();
      cgroup = undefined;
      await rig?.dispose();
      rig = undefined;
    });

    it('a task over its cgroup limit killed by the kernel: oom-kill first, naming the cgroup', async () => {
      rig = await DiagnosisRig.start({
        node: 'e2e-oom-kill',
        agentArgs: ['--event-hold', `${OOM_EVENT_HOLD_MS}ms`],
      });
      await rig.waitForDetail('a first report', (detail) => detail.lastReport ?? undefined);

      const memcg = new MemoryCgroup();
      cgroup = memcg;
      memcg.limit(OOM_LIMIT_BYTES);
      stress = memcg.spawnInside(
        `stress-ng --vm 1 --vm-bytes ${OOM_ALLOCATE} --vm-keep --oomable --timeout ${OOM_STRESS_TIMEOUT}`,
      );

      const { detail, cause } = await rig.waitForDetail(
        `oom-kill first, naming ${memcg.path}`,
        (current) => {
          const [top] = current.causes;
          const named =
            top?.id === 'oom-kill' && top.evidence.some((item) => item.finding?.subject === memcg.path);
          return named ? { detail: current, cause: top } : undefined;
        },
        OOM_VISIBLE_MS,
      );
      expect(detail.status).not.toBe('Ready');
      const evidence = findingEvidence(cause).find((item) => item.finding.subject === memcg.path);
      expect(evidence?.finding).toMatchObject({ check: 'oom-kill', threshold: null });
      expect(evidence?.finding.value).toBeGreaterThanOrEqual(1);
      expect(evidence?.finding.summary).toContain(`in cgroup ${memcg.path}`);
      // A one-off event: it is not "removed". The collector has no setting for how long such events stay
      // (nodedoc-collector --help), so their aging out is left to the classifier's own tests.
    });
  },
);

describe.skipIf(requires({ root: true, commands: ['ip', 'nft'] }))(
  'conntrack-exhaustion in a network namespace, end to end',
  () => {
    let rig: DiagnosisRig | undefined;
    let ns: Netns | undefined;
    let limit: SysctlOverride | undefined;
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
      await ns?.destroy();
      ns = undefined;
      // The global limit is restored whatever happened (and by the sysctl harness's exit hook after that).
      await limit?.restore();
      limit = undefined;
    });

    it('a full table dropping new flows: conntrack-exhaustion first with the utilization; table freed: cleared', async () => {
      const tracked = await trackedNamespace();
      ns = tracked;
      rig = await DiagnosisRig.start({ node: 'e2e-conntrack', netns: tracked });
      await rig.waitForHealthy();

      const lowered = await lowerConntrackLimit(CONNTRACK_TABLE_LIMIT);
      limit = lowered.override;
      const filler = startFiller(tracked, {
        connections: lowered.limit,
        dropEveryMs: CONNTRACK_DROP_EVERY_MS,
      });
      await filler.until('established');
      await filler.until('dropping');

      const { detail, cause } = await rig.waitForTopCause('conntrack-exhaustion');
      expect(detail.status).not.toBe('Ready');
      const utilization = findingEvidence(cause).find(
        (item) => item.finding.check === 'conntrack-utilization',
      );
      expect(utilization?.finding.threshold).toBe(CONNTRACK_CRITICAL_RATIO);
      expect(utilization?.finding.value).toBeGreaterThanOrEqual(CONNTRACK_CRITICAL_RATIO);
      expect(utilization?.finding.summary).toContain(`of ${lowered.limit} entries`);

      // The fault removed: the filler's flows closed and the global limit back to what it was.
      filler.child.kill('SIGKILL');
      await lowered.override.restore();
      await rig.waitForCleared('conntrack-exhaustion');
      expect((await rig.waitForHealthy()).status).toBe('Ready');
    });
  },
);
