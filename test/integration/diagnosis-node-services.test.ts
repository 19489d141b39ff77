import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Containerd, startContainerd } from '../harness/containerd.js';
import {
  DiagnosisRig,
  E2E_PROBE_TIMEOUT,
  findingEvidence,
  NOT_READY_OR_AT_RISK,
} from '../harness/diagnosis-e2e.js';
import { type FakeEndpoint, KUBELET_HEALTHY, startFakeEndpoint } from '../harness/http-endpoint.js';
import { requires } from '../harness/system-requirements.js';

/**
 * End to end, the node's own services: a real agent process streaming at 1 s to a real collector process,
 * faults injected for real (a kubelet healthz that stops answering, a real containerd stopped or without
 * CNI config, the agent itself SIGKILLed), and the diagnosis read where on-call reads it, from
 * GET /api/v1/nodes/{node}: the top cause while the fault holds, its evidence, and its clearing after.
 */

/** The agent's default: two failed probes in a row make kubelet-down (and container-runtime-down). */
const FAILURES_THRESHOLD = 2;
/** The brief's definition of Unreachable: no report for more than three intervals. */
const UNREACHABLE_INTERVALS = 3;
/**
 * A CNI network config as a CNI plugin's installer drops it: containerd's CRI plugin watches its conf_dir
 * and loads it, which makes NetworkReady true (the plugin binaries are only needed to set up a pod).
 */
const CNI_CONFLIST = JSON.stringify({
  cniVersion: '0.4.0',
  name: 'nodedoc-test',
  plugins: [{ type: 'bridge', bridge: 'nodedoc0', ipam: { type: 'host-local', subnet: '10.244.0.0/24' } }],
});

describe('kubelet-down and node-unreachable, end to end', () => {
  let rig: DiagnosisRig | undefined;
  let kubelet: FakeEndpoint | undefined;
  afterEach(async () => {
    await rig?.dispose();
    rig = undefined;
    await kubelet?.close();
    kubelet = undefined;
  });

  async function startWithKubelet(node: string): Promise<{ rig: DiagnosisRig; kubelet: FakeEndpoint }> {
    kubelet = await startFakeEndpoint(KUBELET_HEALTHY);
    rig = await DiagnosisRig.start({
      node,
      agentArgs: ['--kubelet-healthz-url', `${kubelet.origin}/healthz`],
    });
    await rig.waitForHealthy();
    return { rig, kubelet };
  }

  it('a kubelet healthz that stops answering: NotReady with kubelet-down first; answering again: Ready', async () => {
    const { rig, kubelet } = await startWithKubelet('e2e-kubelet-down');

    kubelet.behave({ kind: 'hang' });
    const { detail, cause } = await rig.waitForTopCause('kubelet-down');
    expect(detail.status).toBe('NotReady');
    expect(cause.severity).toBe('critical');
    expect(cause.runbook).toMatch(/\/runbooks\/kubelet-down$/);
    const [evidence] = findingEvidence(cause);
    expect(evidence?.finding).toMatchObject({
      check: 'kubelet-health',
      value: FAILURES_THRESHOLD,
      threshold: FAILURES_THRESHOLD,
    });
    expect(evidence?.finding.summary).toContain(`${kubelet.origin}/healthz`);

    kubelet.behave(KUBELET_HEALTHY);
    const cleared = await rig.waitForCleared('kubelet-down');
    expect(cleared.status).toBe('Ready');
    expect(cleared.causes).toEqual([]);
  });

  it('the agent SIGKILLed during kubelet-down: Unreachable, node-unreachable first and kubelet-down kept; a new agent clears it', async () => {
    const { rig, kubelet } = await startWithKubelet('e2e-unreachable');
    kubelet.behave({ kind: 'hang' });
    await rig.waitForTopCause('kubelet-down');

    await rig.killAgent();
    const { detail, cause } = await rig.waitForTopCause(
      'node-unreachable',
      // Silence must first last more than three intervals before it counts.
      rig.settleMs + UNREACHABLE_INTERVALS * rig.intervalMs,
    );
    expect(detail.status).toBe('Unreachable');
    expect(cause.severity).toBe('critical');
    // The post-mortem: what was building up before the silence stays as the likely explanation.
    expect(detail.causes.map((item) => item.id)).toContain('kubelet-down');
    const kept = detail.causes.find((item) => item.id === 'kubelet-down');
    expect(kept && findingEvidence(kept).length).toBeGreaterThan(0);

    kubelet.behave(KUBELET_HEALTHY);
    await rig.restartAgent();
    await rig.waitForCleared('node-unreachable');
    const healthy = await rig.waitForHealthy();
    expect(healthy.status).toBe('Ready');
  });
});

describe.skipIf(requires({ root: true, commands: ['containerd'] }))(
  'container-runtime-down and cni-not-ready against a real containerd, end to end',
  () => {
    let rig: DiagnosisRig | undefined;
    let containerd: Containerd | undefined;
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
      await containerd?.destroy();
      containerd = undefined;
    });

    async function startWithContainerd(node: string): Promise<{ rig: DiagnosisRig; containerd: Containerd }> {
      containerd = await startContainerd();
      rig = await DiagnosisRig.start({
        node,
        agentArgs: ['--cri-socket', containerd.socket, '--probe-timeout', E2E_PROBE_TIMEOUT],
      });
      return { rig, containerd };
    }

    function installCniConfig(runtime: Containerd): void {
      writeFileSync(join(runtime.cniConfDir, '10-nodedoc-test.conflist'), CNI_CONFLIST);
    }

    it("containerd without CNI config: cni-not-ready first with containerd's reason; a CNI config installed: cleared", async () => {
      const { rig, containerd } = await startWithContainerd('e2e-cni-not-ready');
      const { detail, cause } = await rig.waitForTopCause('cni-not-ready');
      expect(NOT_READY_OR_AT_RISK).toContain(detail.status);
      const [evidence] = findingEvidence(cause);
      expect(evidence?.finding.check).toBe('runtime-network');
      expect(evidence?.finding.summary).toContain('NetworkPluginNotReady');
      expect(detail.causes.map((item) => item.id)).not.toContain('container-runtime-down');

      installCniConfig(containerd);
      await rig.waitForCleared('cni-not-ready');
      const healthy = await rig.waitForHealthy();
      expect(healthy.status).toBe('Ready');
    });

    it('containerd stopped: container-runtime-down first; started again: cleared', async () => {
      const { rig, containerd } = await startWithContainerd('e2e-runtime-down');
      installCniConfig(containerd);
      await rig.waitForHealthy();

      await containerd.stop('SIGTERM');
      const { detail, cause } = await rig.waitForTopCause('container-runtime-down');
      expect(NOT_READY_OR_AT_RISK).toContain(detail.status);
      expect(cause.severity).toBe('critical');
      const [evidence] = findingEvidence(cause);
      expect(evidence?.finding).toMatchObject({
        check: 'runtime-status',
        value: FAILURES_THRESHOLD,
        threshold: FAILURES_THRESHOLD,
      });
      expect(evidence?.finding.summary).toContain(containerd.socket);

      await containerd.restart();
      await rig.waitForCleared('container-runtime-down');
      const healthy = await rig.waitForHealthy();
      expect(healthy.status).toBe('Ready');
    });
  },
);
