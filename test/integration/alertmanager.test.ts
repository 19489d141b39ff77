/**
 * The Alertmanager trigger against real Alertmanagers (Debian's prometheus-alertmanager), read back with amtool:
 * the collector as a process fed over real gRPC, and the pusher on a board-shaped source for fleet causes,
 * outages and resolves that must survive them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertPusher, type DiagnosisSource } from '../../collector/alerting/alert-pusher.js';
import { type AlertingMetrics, registerAlertingMetrics } from '../../collector/alerting/alerting-metrics.js';
import { parseAlertmanagerUrl } from '../../collector/alerting/alertmanager-target.js';
import { ALERT_NAME } from '../../collector/alerting/desired-alerts.js';
import type { CauseView } from '../../collector/diagnosis/diagnosis.js';
import type { BoardEntry, DiagnosisListener } from '../../collector/diagnosis/diagnosis-board.js';
import type { CauseIdString, SeverityString } from '../../common/ids.js';
import { ALERTMANAGER_BIN, Alertmanager, AMTOOL_BIN, type AmtoolAlert } from '../harness/alertmanager.js';
import { CollectorProcess } from '../harness/collector-process.js';
import { samplesOf, scrape } from '../harness/metrics-text.js';
import { promtoolCheckMetrics } from '../harness/promtool.js';
import { requires } from '../harness/system-requirements.js';
import { startTcpGate, type TcpGate } from '../harness/tcp-gate.js';
import { waitFor } from '../harness/wait-for.js';
import {
  AgentStream,
  agentServiceClient,
  finding,
  hello,
  report,
  T0_MS,
} from '../unit/collector/agent-client-support.js';

const EXTERNAL_URL = 'https://nodedoc.example.com/ops/';
/** Alerts show up within a debounce and a POST; this bounds a broken push, it is not a performance claim. */
const ARRIVAL = { timeoutMs: 20_000, intervalMs: 200 };

function target(url: string) {
  const parsed = parseAlertmanagerUrl(url);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/** Active alerts of one Alertmanager, once `accept` likes them. */
function alertsOf(
  alertmanager: Alertmanager,
  what: string,
  accept: (alerts: AmtoolAlert[]) => boolean,
): Promise<AmtoolAlert[]> {
  let last: AmtoolAlert[] = [];
  return waitFor(
    `${what} on ${alertmanager.url}`,
    async () => {
      last = await alertmanager.activeAlerts([`alertname=${ALERT_NAME}`]);
      return accept(last) ? last : undefined;
    },
    ARRIVAL,
    () => JSON.stringify(last),
  );
}

const byLabels = (a: AmtoolAlert, b: AmtoolAlert) =>
  JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels));

describe.skipIf(requires({ commands: [ALERTMANAGER_BIN, AMTOOL_BIN, 'promtool'] }))(
  'Alertmanager trigger',
  () => {
    let first: Alertmanager;
    let second: Alertmanager;
    beforeAll(async () => {
      [first, second] = await Promise.all([Alertmanager.start(), Alertmanager.start()]);
    });
    afterAll(async () => {
      await Promise.all([first?.dispose(), second?.dispose()]);
    });

    it("accepts the README's example route (amtool check-config)", async () => {
      const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
      const section = readme.slice(readme.indexOf('### Alertmanager'));
      const route = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
      expect(route).toContain('alertname="NodedocNodeCause"');
      const dir = await mkdtemp(join(tmpdir(), 'nodedoc-am-route-'));
      try {
        await writeFile(join(dir, 'alertmanager.yml'), route ?? '');
        const { stdout } = await promisify(execFile)(AMTOOL_BIN, [
          'check-config',
          join(dir, 'alertmanager.yml'),
        ]);
        expect(stdout).toContain('SUCCESS');
        expect(stdout).toContain('1 inhibit rules');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    describe('the collector process, fed over gRPC', () => {
      let collector: CollectorProcess | undefined;
      afterEach(async () => {
        await collector?.dispose();
        collector = undefined;
      });

      it('pushes an active cause to every --alertmanager-url with its labels and annotations, and resolves it when it clears', async () => {
        collector = await CollectorProcess.start({
          env: {
            NODEDOC_ALERTMANAGER_URL: `${first.url},${second.url}`,
            NODEDOC_EXTERNAL_URL: EXTERNAL_URL,
          },
        });
        const stream = new AgentStream(agentServiceClient(collector.grpcTarget));
        await stream.hello(hello('worker-7'));
        await stream.batch([report(1, { findings: [finding()] })], 2);

        for (const alertmanager of [first, second]) {
          const [alert, ...others] = await alertsOf(
            alertmanager,
            'the memory-pressure alert',
            (a) => a.length > 0,
          );
          expect(others).toEqual([]);
          expect(alert?.labels).toEqual({
            alertname: 'NodedocNodeCause',
            node: 'worker-7',
            cause: 'memory-pressure',
            severity: 'critical',
            scope: 'node',
          });
          expect(alert?.annotations).toEqual({
            summary: 'MemAvailable 80.0 MiB is below the 100 MiB hard-eviction threshold',
            description: 'Node worker-7 is AtRisk; memory-pressure is cause 1 of 1 (confidence 0.33).',
            evidence: '- MemAvailable 80.0 MiB is below the 100 MiB hard-eviction threshold',
            runbook_url: 'https://nodedoc.example.com/ops/runbooks/memory-pressure',
          });
          expect(alert?.generatorURL).toBe('https://nodedoc.example.com/ops/api/v1/nodes/worker-7');
          // The first report carrying the finding was sampled at T0 + 10 s (the agent's clock).
          expect(Date.parse(alert?.startsAt ?? '')).toBe(T0_MS + 10_000);
          // Valid for four resend intervals (1m by default) from the push, so far ahead of now.
          expect(Date.parse(alert?.endsAt ?? '')).toBeGreaterThan(Date.now() + 2 * 60_000);
        }

        // Two reports without the finding clear the cause (the classifier's hysteresis).
        await stream.batch([report(2)], 3);
        await stream.batch([report(3)], 4);
        for (const alertmanager of [first, second]) {
          expect(await alertsOf(alertmanager, 'the resolve', (alerts) => alerts.length === 0)).toEqual([]);
        }
        const metrics = await scrape(`${collector.httpBase}/metrics`);
        for (const alertmanager of [first, second]) {
          const [success] = samplesOf(metrics.samples, 'nodedoc_alertmanager_notifications_total', {
            alertmanager: alertmanager.url,
            result: 'success',
          });
          expect(success?.value).toBeGreaterThanOrEqual(2);
        }
        expect(await promtoolCheckMetrics(metrics.text)).toEqual({ code: 0, problems: [] });
        stream.end();
        await stream.status;
      });
    });

    it('keeps ingesting while an Alertmanager hangs, and still stops cleanly', async () => {
      // Accepts connections and never answers: the worst an Alertmanager can do to a client.
      const held = new Set<Socket>();
      const hanging = createServer((socket) => {
        held.add(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const { port } = hanging.address() as AddressInfo;
      const collector = await CollectorProcess.start({
        env: { NODEDOC_ALERTMANAGER_URL: `http://127.0.0.1:${port}/` },
      });
      try {
        const stream = new AgentStream(agentServiceClient(collector.grpcTarget));
        await stream.hello(hello('worker-9'));
        expect(await stream.batch([report(1, { findings: [finding()] })], 2)).toBe('1');
        await waitFor(
          'the push to reach the hanging Alertmanager',
          () => (held.size > 0 ? true : undefined),
          ARRIVAL,
        );
        // The push is stuck; ingest is not.
        expect(await stream.batch([report(2)], 3)).toBe('2');
        expect(await stream.batch([report(3, { findings: [finding()] })], 4)).toBe('3');
        stream.end();
        await stream.status;
        expect(await collector.stop()).toBe(0);
      } finally {
        await collector.dispose();
        for (const socket of held) socket.destroy();
        await new Promise<void>((resolve) => hanging.close(() => resolve()));
      }
    });

    describe('the pusher on a board', () => {
      /** A board-shaped source whose diagnoses the test sets, announcing each change as the board does. */
      function fakeBoard() {
        let entries: BoardEntry[] = [];
        const listeners = new Set<DiagnosisListener>();
        const source: DiagnosisSource = {
          entries: () => entries,
          subscribe(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
        };
        return {
          source,
          /** Replaces every node's diagnosis; nodes left out are gone, announced as Ready with no causes. */
          set(next: BoardEntry[]) {
            const gone = entries.filter((known) => !next.some((entry) => entry.node === known.node));
            entries = next;
            for (const listener of listeners) {
              for (const entry of next) listener(entry.node, entry.diagnosis);
              for (const entry of gone) listener(entry.node, { status: 'Ready', causes: [] });
            }
          },
        };
      }

      function cause(
        id: CauseIdString,
        scope: 'node' | 'fleet',
        severity: SeverityString,
        summary: string,
        firstSeenMs: number,
      ): CauseView {
        return {
          id,
          scope,
          severity,
          confidence: 1,
          summary,
          evidence: [
            {
              finding: {
                check: 'CHECK_ID_DNS_LATENCY',
                cause: 'CAUSE_ID_DNS_LATENCY',
                severity: 'SEVERITY_WARNING',
                summary,
                subject: '',
                detailsJson: '',
                value: 0.4,
                threshold: 0.25,
              },
              firstSeenMs,
              lastSeenMs: firstSeenMs,
              reports: 3,
            },
          ],
          remediation: [],
          runbook: `/runbooks/${id}`,
        };
      }

      function entry(node: string, causes: CauseView[]): BoardEntry {
        return {
          node,
          lastSeenMs: Date.now(),
          intervalMs: 10_000,
          seeded: true,
          diagnosis: { status: causes.length ? 'AtRisk' : 'Ready', causes },
        };
      }

      let pusher: AlertPusher | undefined;
      let gate: TcpGate | undefined;
      let metrics: AlertingMetrics;
      afterEach(async () => {
        await pusher?.stop();
        await gate?.close();
        pusher = undefined;
        gate = undefined;
        // Nothing left behind for the next case: a fresh storage directory, so a fresh Alertmanager.
        await Promise.all([first.reset(), second.reset()]);
      });

      function startPusher(source: DiagnosisSource, urls: string[]): AlertPusher {
        metrics = registerAlertingMetrics(new Registry());
        pusher = new AlertPusher({
          source,
          // A long resend interval: endsAt stays far ahead, so only a delivered resolve can end an alert here.
          config: { targets: urls.map(target), resendIntervalMs: 60_000 },
          externalUrl: new URL(EXTERNAL_URL),
          metrics,
          logger: pino({ level: 'silent' }),
          debounceMs: 50,
        });
        pusher.start();
        return pusher;
      }

      it('pushes a fleet cause once, without a node label, naming its nodes', async () => {
        const board = fakeBoard();
        startPusher(board.source, [first.url]);
        const t = Date.parse('2026-11-23T09:00:00Z');
        const fleetCause = (firstSeenMs: number) =>
          cause('dns-latency', 'fleet', 'warning', 'CoreDNS p95 420 ms on 3 of 4 nodes', firstSeenMs);
        board.set([
          entry('node-a', [fleetCause(t + 2_000)]),
          entry('node-c', [
            fleetCause(t + 1_000),
            cause('disk-pressure', 'node', 'critical', 'nodefs 4% free', t),
          ]),
          entry('node-b', [fleetCause(t + 3_000)]),
          entry('node-d', []),
        ]);
        const alerts = (await alertsOf(first, 'two alerts', (a) => a.length === 2)).sort(byLabels);
        expect(alerts.map((alert) => alert.labels)).toEqual([
          {
            alertname: 'NodedocNodeCause',
            cause: 'disk-pressure',
            node: 'node-c',
            scope: 'node',
            severity: 'critical',
          },
          { alertname: 'NodedocNodeCause', cause: 'dns-latency', scope: 'fleet', severity: 'warning' },
        ]);
        const fleet = alerts[1];
        expect(fleet?.annotations).toEqual({
          summary: 'CoreDNS p95 420 ms on 3 of 4 nodes',
          description: 'dns-latency is on 3 nodes at once: look at what they share, not at one node.',
          nodes: 'node-a, node-b, node-c',
          evidence: '- CoreDNS p95 420 ms on 3 of 4 nodes',
          runbook_url: 'https://nodedoc.example.com/ops/runbooks/dns-latency',
        });
        expect(fleet?.generatorURL).toBe('https://nodedoc.example.com/ops/api/v1/fleet');
        // The fleet cause started when its earliest node showed it.
        expect(Date.parse(fleet?.startsAt ?? '')).toBe(t + 1_000);

        // The fleet cause clears; the node cause stays.
        board.set([entry('node-c', [cause('disk-pressure', 'node', 'critical', 'nodefs 4% free', t)])]);
        const left = await alertsOf(first, 'the fleet alert resolved', (a) => a.length === 1);
        expect(left.map((alert) => alert.labels.cause)).toEqual(['disk-pressure']);
        board.set([]);
        expect(await alertsOf(first, 'everything resolved', (a) => a.length === 0)).toEqual([]);
      });

      it('delivers alerts to an Alertmanager that was down once it is back, and to the others meanwhile', async () => {
        const board = fakeBoard();
        await second.stop();
        startPusher(board.source, [first.url, second.url]);
        board.set([entry('node-a', [cause('kubelet-down', 'node', 'critical', 'kubelet down', Date.now())])]);

        await alertsOf(first, 'the alert on the Alertmanager that is up', (a) => a.length === 1);
        await waitFor(
          'a failed push to the Alertmanager that is down',
          async () => {
            const failures = await metrics.notifications.get();
            return failures.values.some(
              (sample) => sample.labels.alertmanager === second.url && sample.labels.result === 'failure',
            )
              ? true
              : undefined;
          },
          ARRIVAL,
        );
        await second.restart();
        const [alert] = await alertsOf(second, 'the alert after the restart', (a) => a.length === 1);
        expect(alert?.labels).toMatchObject({ node: 'node-a', cause: 'kubelet-down' });
      });

      it('keeps a resolve an Alertmanager could not take and delivers it once it is reachable again', async () => {
        const board = fakeBoard();
        gate = await startTcpGate(first.port);
        const throughGate = `http://127.0.0.1:${gate.port}/`;
        startPusher(board.source, [throughGate]);
        board.set([entry('node-a', [cause('oom-kill', 'node', 'warning', 'OOM killed java', Date.now())])]);
        await alertsOf(first, 'the firing alert', (a) => a.length === 1);

        gate.shut();
        board.set([entry('node-a', [])]);
        await waitFor(
          'the resolve to fail',
          async () => {
            const failures = await metrics.notifications.get();
            return failures.values.some((sample) => sample.labels.result === 'failure') ? true : undefined;
          },
          ARRIVAL,
        );
        // Still firing in Alertmanager: its endsAt is four resend intervals (4 minutes) away.
        expect(await first.activeAlerts([`alertname=${ALERT_NAME}`])).toHaveLength(1);
        const alertsGauge = async () =>
          Object.fromEntries(
            (await metrics.alerts.get()).values.map((sample) => [sample.labels.state, sample.value]),
          );
        expect(await alertsGauge()).toEqual({ firing: 0, resolving: 1 });
        gate.open();
        expect(await alertsOf(first, 'the resolve after the outage', (a) => a.length === 0)).toEqual([]);
        await waitFor('no resolve left to deliver', async () =>
          (await alertsGauge()).resolving === 0 ? true : undefined,
        );
      });
    });
  },
);
