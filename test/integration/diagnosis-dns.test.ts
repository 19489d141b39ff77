import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DelayProxy, startDelayProxy } from '../harness/delay-proxy.js';
import { DiagnosisRig, E2E_INTERVAL_MS, findingEvidence } from '../harness/diagnosis-e2e.js';
import { type Dnsmasq, startDnsmasq } from '../harness/dnsmasq.js';
import { createNetns, type Netns } from '../harness/netns.js';
import { requires } from '../harness/system-requirements.js';

/**
 * End to end, DNS: a real dnsmasq in a network namespace this test creates, the agent inside it (probing
 * nothing but that dnsmasq, on the namespace's loopback) and streaming through a bridge to a real collector
 * on the host's loopback; the faults are dnsmasq stopped and a delay hop in front of it. The diagnosis is
 * read from GET /api/v1/nodes/{node} while the fault holds, and again once it is removed.
 */

/** The agent's defaults, restated so the expectations below say what they assume. */
const FAILURE_RATIO = 0.5;
const LATENCY_SECONDS = 0.25;
/** Added by the delay hop while the fault holds: well above the latency threshold, below the timeout. */
const DELAY_MS = 400;
/** Short, so a cycle with a stopped or slow server stays within its interval. */
const DNS_TIMEOUT = '900ms';
/**
 * The window the failure ratio and percentiles are computed over: one interval, so a cycle of failed
 * probes is the majority at once and a cycle of good ones clears them at once (the default, 60 s, is
 * meant for 10 s intervals and would take half a minute either way here).
 */
const DNS_WINDOW = `${E2E_INTERVAL_MS}ms`;
/** Namespace ports: dnsmasq and the delay hop (the bridge to the collector takes the rig's default). */
const DNS_PORT = 5300;
const HOP_PORT = 5301;

describe.skipIf(requires({ root: true, commands: ['dnsmasq', 'ip', 'ss'] }))(
  'dns-failure and dns-latency against a real dnsmasq in a namespace, end to end',
  () => {
    let netns: Netns;
    let rig: DiagnosisRig | undefined;
    const stops: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      netns = await createNetns('diag-dns');
    });
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
      for (const stop of stops.splice(0).reverse()) await stop();
    });
    afterAll(async () => {
      await netns?.destroy();
    });

    async function dnsmasqOn(port: number): Promise<Dnsmasq> {
      const dnsmasq = await startDnsmasq(netns, { port });
      stops.push(() => dnsmasq.stop());
      return dnsmasq;
    }

    async function rigProbing(node: string, server: string): Promise<DiagnosisRig> {
      rig = await DiagnosisRig.start({
        node,
        netns,
        agentArgs: ['--dns-server', server, '--dns-timeout', DNS_TIMEOUT, '--dns-window', DNS_WINDOW],
      });
      await rig.waitForHealthy();
      return rig;
    }

    it('dnsmasq stopped: dns-failure first with the failed share; started again: cleared', async () => {
      const dnsmasq = await dnsmasqOn(DNS_PORT);
      const rig = await rigProbing('e2e-dns-failure', dnsmasq.server);

      await dnsmasq.stop();
      const { detail, cause } = await rig.waitForTopCause('dns-failure');
      expect(detail.status).not.toBe('Ready');
      const [evidence] = findingEvidence(cause);
      expect(evidence?.finding).toMatchObject({
        check: 'dns-errors',
        subject: dnsmasq.server,
        threshold: FAILURE_RATIO,
      });
      // The failed share of the probes in the window: at the threshold or above (the window may still hold
      // the last good cycle when the cause first shows).
      expect(evidence?.finding.value).toBeGreaterThanOrEqual(FAILURE_RATIO);
      expect(evidence?.finding.value).toBeLessThanOrEqual(1);

      await dnsmasqOn(DNS_PORT);
      await rig.waitForCleared('dns-failure');
      expect((await rig.waitForHealthy()).status).toBe('Ready');
    });

    it(`a ${DELAY_MS} ms delay hop in front of dnsmasq: dns-latency first with its p95; no delay: cleared`, async () => {
      const dnsmasq = await dnsmasqOn(DNS_PORT);
      const hop: DelayProxy = await startDelayProxy(netns, {
        listenHost: '127.0.0.1',
        listenPort: HOP_PORT,
        targetHost: dnsmasq.listenAddress,
        targetPort: dnsmasq.port,
        delayMs: 0,
      });
      stops.push(() => hop.stop());
      const rig = await rigProbing('e2e-dns-latency', hop.server);

      await hop.setDelay(DELAY_MS);
      const { detail, cause } = await rig.waitForTopCause('dns-latency');
      expect(detail.status).not.toBe('Ready');
      const [evidence] = findingEvidence(cause);
      expect(evidence?.finding).toMatchObject({
        check: 'dns-latency',
        subject: hop.server,
        threshold: LATENCY_SECONDS,
      });
      expect(evidence?.finding.value).toBeGreaterThan(LATENCY_SECONDS);
      expect(detail.causes.map((item) => item.id)).not.toContain('dns-failure');

      await hop.setDelay(0);
      await rig.waitForCleared('dns-latency');
      expect((await rig.waitForHealthy()).status).toBe('Ready');
    });
  },
);
