import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../agent/finding.js';
import type { AgentReport } from '../../agent/report.js';
import type { DnsSample, DnsServerSample } from '../../agent/sample-types.js';
import { agentOnce, runAgent, startAgent } from '../harness/agent-process.js';
import { startDelayProxy } from '../harness/delay-proxy.js';
import { type Dnsmasq, startDnsmasq } from '../harness/dnsmasq.js';
import { createNetns, type Netns } from '../harness/netns.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/*
 * The DNS signal against a real dnsmasq, all inside a network namespace this test creates: the servers,
 * the delay hop, the nftables loss and the agent itself live on the namespace's own loopback, so no
 * probe ever leaves it (and the machine's own resolver is never asked anything).
 */

/** The brief's defaults, restated here so the expectations below say what they assume. */
const FAILURE_RATIO = 0.5;
const LATENCY_SECONDS = 0.25;
/** Added by the delay hop: well above the latency threshold, well below the probe timeout. */
const DELAY_MS = 400;
/** The hop's timer runs off a cached millisecond clock and may look a little short to the agent's hrtime. */
const TIMER_SLACK_SECONDS = 0.005;
/** Short, so that cycles with lost datagrams stay quick. */
const FAST_TIMEOUT = '1s';
/** Extra names dnsmasq answers (any label under nodedoc.test), to put more UDP probes in a cycle. */
const TEST_ZONE = 'nodedoc.test';
const EXTRA_NAMES = Array.from({ length: 30 }, (_, i) => `n${i}.${TEST_ZONE}`);
/** The agent's /metrics listens on the namespace's loopback, so it is scraped from inside. */
const SCRAPE = 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))';

function dnsOf(report: AgentReport): DnsSample {
  const { dns } = report.samples;
  if (dns.status !== 'ok') throw new Error(`dns is ${dns.status}: ${dns.reason}`);
  return dns;
}

function serverOf(report: AgentReport, server: string): DnsServerSample {
  const found = dnsOf(report).servers.find((entry) => entry.server === server);
  if (!found) throw new Error(`no sample for ${server} in ${JSON.stringify(dnsOf(report).servers)}`);
  return found;
}

const dnsFindings = (report: AgentReport): Finding[] =>
  report.findings.filter((finding) => finding.cause === 'dns-failure' || finding.cause === 'dns-latency');

/** Prometheus sample value of `name` with all of `labels`, from an exposition text. */
function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.skipIf(requires({ root: true, commands: ['dnsmasq', 'ip', 'nft', 'ss'] }))(
  'DNS probes against a real dnsmasq in a network namespace',
  () => {
    let netns: Netns;
    /** Ports are per namespace: each scenario takes its own, so a stopped server never answers the next. */
    let nextPort = 5300;
    const port = () => nextPort++;
    const stops: (() => Promise<void>)[] = [];
    const started = async <T extends { stop(): Promise<unknown> }>(thing: Promise<T>): Promise<T> => {
      const value = await thing;
      stops.push(async () => {
        await value.stop();
      });
      return value;
    };

    beforeAll(async () => {
      netns = await createNetns('dns');
    });
    afterEach(async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
    });
    afterAll(async () => {
      await netns?.destroy();
    });

    it('dnsmasq answering: dns ok, every probe ok with a measured latency, no DNS finding', async () => {
      const dnsmasq = await started(startDnsmasq(netns, { port: port() }));
      const report = await agentOnce(['--dns-server', dnsmasq.server, '--dns-timeout', FAST_TIMEOUT], {
        netns: netns.name,
      });
      expect(dnsOf(report)).toMatchObject({ source: 'flag', clusterDomain: 'cluster.local' });
      const sample = serverOf(report, dnsmasq.server);
      expect(sample.role).toBe('cluster');
      expect(
        sample.probes.map(({ name, protocol, rcode, outcome }) => ({ name, protocol, rcode, outcome })),
      ).toEqual([
        { name: 'kubernetes.default.svc.cluster.local.', protocol: 'udp', rcode: 'NOERROR', outcome: 'ok' },
        {
          name: expect.stringMatching(/^nodedoc-probe-[0-9a-f]+\.cluster\.local\.$/),
          protocol: 'udp',
          rcode: 'NXDOMAIN',
          outcome: 'ok',
        },
        { name: 'kubernetes.default.svc.cluster.local.', protocol: 'tcp', rcode: 'NOERROR', outcome: 'ok' },
      ]);
      for (const probe of sample.probes) {
        expect(probe.latencySeconds).toBeGreaterThan(0);
        expect(probe.latencySeconds).toBeLessThan(LATENCY_SECONDS);
      }
      // --once samples twice: both cycles are in the window.
      expect(sample.window).toMatchObject({ probes: 6, failures: 0, timeouts: 0, answered: 6 });
      expect(dnsFindings(report)).toEqual([]);
    });

    it('dnsmasq stopped: dns-failure (critical) for that server', async () => {
      const dnsmasq = await startDnsmasq(netns, { port: port() });
      await dnsmasq.stop();
      const report = await agentOnce(['--dns-server', dnsmasq.server, '--dns-timeout', FAST_TIMEOUT], {
        netns: netns.name,
      });
      const sample = serverOf(report, dnsmasq.server);
      // Nothing listens: the kernel answers UDP with ICMP port unreachable and TCP with a reset.
      expect(sample.probes.map((probe) => [probe.protocol, probe.outcome])).toEqual([
        ['udp', 'refused'],
        ['udp', 'refused'],
        ['tcp', 'refused'],
      ]);
      expect(sample.window).toMatchObject({ probes: 6, failures: 6, failureRatio: 1, answered: 0 });
      expect(dnsFindings(report)).toEqual([
        expect.objectContaining({
          check: 'dns-errors',
          cause: 'dns-failure',
          severity: 'critical',
          subject: dnsmasq.server,
          value: 1,
          threshold: FAILURE_RATIO,
          summary: expect.stringContaining(`6 of 6 probes to ${dnsmasq.server} failed`),
        }),
      ]);
    });

    it(`dnsmasq behind a ${DELAY_MS} ms delay hop: dns-latency with p95 above ${LATENCY_SECONDS}s`, async () => {
      const dnsmasq = await started(startDnsmasq(netns, { port: port() }));
      const proxy = await started(
        startDelayProxy(netns, {
          listenHost: '127.0.0.1',
          listenPort: port(),
          targetHost: dnsmasq.listenAddress,
          targetPort: dnsmasq.port,
          delayMs: DELAY_MS,
        }),
      );
      const report = await agentOnce(['--dns-server', proxy.server, '--dns-timeout', '3s'], {
        netns: netns.name,
      });
      const sample = serverOf(report, proxy.server);
      for (const probe of sample.probes) {
        expect(probe.outcome).toBe('late');
        expect(probe.latencySeconds).toBeGreaterThanOrEqual(DELAY_MS / 1000 - TIMER_SLACK_SECONDS);
      }
      expect(sample.window).toMatchObject({ probes: 6, failures: 0, answered: 6 });
      expect(sample.window.p95Seconds).toBeGreaterThan(LATENCY_SECONDS);
      expect(dnsFindings(report)).toEqual([
        expect.objectContaining({
          check: 'dns-latency',
          cause: 'dns-latency',
          severity: 'warning',
          subject: proxy.server,
          value: sample.window.p95Seconds,
          threshold: LATENCY_SECONDS,
        }),
      ]);
    });

    describe('datagram loss with nftables (numgen random mod 100 < N drop)', () => {
      /**
       * Drops on the input hook, i.e. on the way into dnsmasq: a drop on output would fail the agent's
       * send() with EPERM at once, which is an error, not the silent loss a client sees as a timeout.
       */
      async function lossRule(dnsPort: number, percent: number): Promise<() => Promise<void>> {
        const table = `nodedoc_dns_loss_${dnsPort}`;
        // nft takes a whole command as one argument, braces and semicolons included.
        await netns.exec('nft', [`add table inet ${table}`]);
        await netns.exec('nft', [
          `add chain inet ${table} input { type filter hook input priority filter; policy accept; }`,
        ]);
        await netns.exec('nft', [
          `add rule inet ${table} input udp dport ${dnsPort} numgen random mod 100 < ${percent} drop`,
        ]);
        return async () => {
          await netns.exec('nft', ['delete', 'table', 'inet', table]);
        };
      }

      /** What the thresholds say the observed window must produce, for one server. */
      function expectedChecks(window: DnsServerSample['window']): string[] {
        const failing = window.failureRatio >= FAILURE_RATIO;
        const slow = window.p95Seconds !== null && window.p95Seconds > LATENCY_SECONDS;
        const tail = window.timeouts > 0 && !failing;
        return [...(failing ? ['dns-errors'] : []), ...(slow || tail ? ['dns-latency'] : [])];
      }

      async function runWithLoss(percent: number): Promise<{ dnsmasq: Dnsmasq; report: AgentReport }> {
        const dnsmasq = await started(
          startDnsmasq(netns, { port: port(), extraArgs: [`--address=/${TEST_ZONE}/192.0.2.1`] }),
        );
        const removeRule = await lossRule(dnsmasq.port, percent);
        try {
          const result = await runAgent(
            [
              '--once',
              '--json',
              '--dns-server',
              dnsmasq.server,
              '--dns-timeout',
              FAST_TIMEOUT,
              ...EXTRA_NAMES.flatMap((name) => ['--dns-name', name]),
            ],
            { netns: netns.name },
          );
          expect(result.code).toBe(0);
          // 33 probes in flight at once must not trip a Node warning (e.g. MaxListenersExceededWarning).
          expect(result.stderr).not.toMatch(/\(node:\d+\) \w*Warning/);
          return { dnsmasq, report: JSON.parse(result.stdout) as AgentReport };
        } finally {
          await removeRule();
        }
      }

      it.each([
        { percent: 25, likely: 'dns-latency' },
        { percent: 85, likely: 'dns-errors' },
      ])(
        '$percent percent loss: timeouts counted, and the finding the thresholds imply ($likely expected)',
        async ({ percent, likely }) => {
          const { dnsmasq, report } = await runWithLoss(percent);
          const sample = serverOf(report, dnsmasq.server);
          const { window } = sample;
          // 2 cycles x (32 UDP + 1 TCP).
          expect(window.probes).toBe(66);
          expect(window.timeouts).toBeGreaterThan(0);
          // Only UDP is dropped: every timeout of this cycle is a UDP probe, the TCP probe got through.
          for (const probe of sample.probes) {
            if (probe.protocol === 'tcp') expect(probe.outcome).toBe('ok');
            if (probe.outcome === 'timeout') expect(probe.error).toBe('no answer within 1s');
          }
          // Nothing else fails here: every failure is a timeout, every answer is ok.
          expect(window.failures).toBe(window.timeouts);
          expect(window.outcomes.ok + window.outcomes.late).toBe(window.probes - window.timeouts);

          const expected = expectedChecks(window);
          expect(
            dnsFindings(report)
              .map((finding) => finding.check)
              .sort(),
          ).toEqual([...expected].sort());
          // With 64 UDP probes the observed ratio lands on the side of 0.5 the loss rate puts it (binomial
          // tails: about 5e-6 for 25 % loss, 5e-11 for 85 %), and 25 % loss drops at least one (1 - 1e-8).
          expect(expected).toContain(likely);
        },
      );
    });

    it('finds clusterDNS, clusterDomain and the upstream resolver in a kubelet config under --host-root', async () => {
      // Port 53 on two loopback addresses, as the kubelet config and resolv.conf carry no port. dnsmasq
      // binds only addresses an interface has, so the second one goes on the namespace's lo.
      await netns.exec('ip', ['addr', 'add', '127.0.0.2/8', 'dev', 'lo']);
      const cluster = await started(
        startDnsmasq(netns, {
          port: 53,
          listenAddress: '127.0.0.1',
          clusterDomain: 'nodedoc.internal',
          extraArgs: [`--address=/${TEST_ZONE}/192.0.2.1`],
        }),
      );
      const upstream = await started(
        startDnsmasq(netns, {
          port: 53,
          listenAddress: '127.0.0.2',
          extraArgs: [`--address=/${TEST_ZONE}/192.0.2.1`],
        }),
      );
      const root = mkdtempSync(join(tmpdir(), 'nodedoc-dns-host-'));
      try {
        mkdirSync(join(root, 'var/lib/kubelet'), { recursive: true });
        mkdirSync(join(root, 'etc'), { recursive: true });
        writeFileSync(
          join(root, 'var/lib/kubelet/config.yaml'),
          [
            'apiVersion: kubelet.config.k8s.io/v1beta1',
            'kind: KubeletConfiguration',
            'clusterDNS:',
            `- ${cluster.listenAddress}`,
            'clusterDomain: nodedoc.internal',
            'resolvConf: /etc/nodedoc-resolv.conf',
            '',
          ].join('\n'),
        );
        writeFileSync(
          join(root, 'etc/nodedoc-resolv.conf'),
          `nameserver ${upstream.listenAddress}\noptions ndots:1\n`,
        );

        const withName = await agentOnce(
          [
            '--host-root',
            root,
            '--dns-probe-upstream',
            '--dns-name',
            `www.${TEST_ZONE}`,
            '--dns-timeout',
            FAST_TIMEOUT,
          ],
          { netns: netns.name },
        );
        expect(dnsOf(withName)).toMatchObject({
          source: 'kubelet-config',
          clusterDomain: 'nodedoc.internal',
        });
        expect(dnsOf(withName).servers.map(({ server, role }) => [server, role])).toEqual([
          ['127.0.0.1:53', 'cluster'],
          ['127.0.0.2:53', 'upstream'],
        ]);
        expect(
          serverOf(withName, '127.0.0.1:53').probes.map((p) => [
            p.name.replace(/^nodedoc-probe-[0-9a-f]+/, 'RANDOM'),
            p.outcome,
          ]),
        ).toEqual([
          ['kubernetes.default.svc.nodedoc.internal.', 'ok'],
          ['RANDOM.nodedoc.internal.', 'ok'],
          [`www.${TEST_ZONE}.`, 'ok'],
          ['kubernetes.default.svc.nodedoc.internal.', 'ok'],
        ]);
        expect(serverOf(withName, '127.0.0.2:53').probes.map((p) => [p.name, p.protocol, p.outcome])).toEqual(
          [
            [`www.${TEST_ZONE}.`, 'udp', 'ok'],
            [`www.${TEST_ZONE}.`, 'tcp', 'ok'],
          ],
        );
        expect(dnsFindings(withName)).toEqual([]);

        // Without --dns-name the upstream is asked for the root NS set, which a dnsmasq with no upstream
        // of its own refuses: a real REFUSED rcode, and dns-failure for that resolver only.
        const rootNs = await agentOnce(
          ['--host-root', root, '--dns-probe-upstream', '--dns-timeout', FAST_TIMEOUT],
          {
            netns: netns.name,
          },
        );
        expect(
          serverOf(rootNs, '127.0.0.2:53').probes.map((p) => [p.name, p.type, p.rcode, p.outcome]),
        ).toEqual([
          ['.', 'NS', 'REFUSED', 'refused'],
          ['.', 'NS', 'REFUSED', 'refused'],
        ]);
        expect(dnsFindings(rootNs)).toEqual([
          expect.objectContaining({ check: 'dns-errors', subject: '127.0.0.2:53', severity: 'critical' }),
        ]);
        expect(dnsFindings(rootNs)[0]?.summary).toMatch(/upstream resolver/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('continuous mode: metrics count the probes, and dns-failure is raised when dnsmasq stops and cleared when it is back', async () => {
      const dnsPort = port();
      const first = await startDnsmasq(netns, { port: dnsPort });
      stops.push(() => first.stop());
      const agent = await started(
        startAgent(
          [
            '--dns-server',
            first.server,
            '--dns-timeout',
            FAST_TIMEOUT,
            '--dns-window',
            '2s',
            '--interval',
            '300ms',
          ],
          { netns: netns.name },
        ),
      );
      const scrape = () => netns.exec(process.execPath, ['-e', SCRAPE, agent.metricsUrl]);
      const labels = { server: first.server, protocol: 'udp' };
      const healthy = await waitFor('two answered UDP probes in /metrics', async () => {
        const text = await scrape();
        const count = metricValue(text, 'nodedoc_dns_probe_duration_seconds_count', labels);
        return count !== undefined && count >= 4 ? text : undefined;
      });
      expect(
        metricValue(healthy, 'nodedoc_dns_probes_total', { ...labels, outcome: 'ok' }),
      ).toBeGreaterThanOrEqual(4);
      expect(metricValue(healthy, 'nodedoc_dns_failure_ratio', { server: first.server })).toBe(0);

      await first.stop();
      const raised = await waitFor('dns-failure to be raised', () =>
        agent
          .logLines()
          .find(
            (line) =>
              line.msg === 'finding raised' &&
              (line.finding as Finding | undefined)?.cause === 'dns-failure' &&
              (line.finding as Finding | undefined)?.subject === first.server,
          ),
      );
      expect((raised.finding as Finding).severity).toBe('critical');
      const failing = await scrape();
      expect(
        metricValue(failing, 'nodedoc_dns_probes_total', { ...labels, outcome: 'refused' }),
      ).toBeGreaterThan(0);
      expect(
        metricValue(failing, 'nodedoc_dns_failure_ratio', { server: first.server }),
      ).toBeGreaterThanOrEqual(FAILURE_RATIO);

      await started(startDnsmasq(netns, { port: dnsPort }));
      // The 2 s window forgets the refused probes, and the finding clears.
      await waitFor('dns-failure to be cleared', () =>
        agent
          .logLines()
          .find(
            (line) =>
              line.msg === 'finding cleared' &&
              (line.finding as Finding | undefined)?.cause === 'dns-failure',
          ),
      );
    });
  },
);
