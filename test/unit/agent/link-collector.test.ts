import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerCredentials } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentLink, SPOOL_SUBDIR } from '../../../agent/link/agent-link.js';
import type { LinkObserver } from '../../../agent/link/link-observer.js';
import { LINK_DEFAULTS, type LinkTuning } from '../../../agent/link/link-tuning.js';
import { registerLinkMetrics } from '../../../agent/metrics/link.js';
import type { AgentReport } from '../../../agent/report.js';
import { SIGNAL_NAMES } from '../../../agent/sample-types.js';
import { parseExposition, samplesOf } from '../../harness/metrics-text.js';
import { promtoolCheckMetrics } from '../../harness/promtool.js';
import { configFrom, metricsModule, reportWith, TEST_INVENTORY } from '../../harness/samples.js';
import { requires } from '../../harness/system-requirements.js';
import { waitFor } from '../../harness/wait-for.js';
import {
  createTestPki,
  type FakeCollector,
  type FreezableProxy,
  recordingLogger,
  startFakeCollector,
  startFreezableProxy,
  type TestPki,
} from './link-test-support.js';

/**
 * The link against a real grpc-js collector on loopback (link-test-support.ts): Hello, Welcome and acks;
 * replay after the collector restarts and after the agent restarts; the Welcome sparing what the
 * collector has; backpressure from a collector that stops reading; keepalive noticing a collector that
 * stops answering (a proxy that freezes, as SIGSTOP would); the watchdog; Settings; mTLS. Timers are
 * shortened through LinkTuning; every wait is bounded and every assertion is on values.
 */

/** Fast retries, so a test's reconnects take milliseconds. */
const FAST: LinkTuning = {
  ...LINK_DEFAULTS,
  backoff: { baseMs: 50, maxMs: 200 },
};
const INTERVAL_MS = 1_000;
const WAIT = { timeoutMs: 15_000, intervalMs: 20 };

interface RunningLink {
  readonly link: AgentLink;
  readonly registry: Registry;
  readonly lines: () => Record<string, unknown>[];
  readonly intervals: number[];
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

let spoolDir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  spoolDir = mkdtempSync(join(tmpdir(), 'nodedoc-link-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(spoolDir, { recursive: true, force: true });
});

async function startLink(
  target: string,
  options: { tuning?: LinkTuning; args?: readonly string[]; intervalMs?: number } = {},
): Promise<RunningLink> {
  const config = configFrom(['--collector', target, '--spool-dir', spoolDir, ...(options.args ?? [])]);
  const { logger, lines } = recordingLogger();
  let observer: LinkObserver | undefined;
  const { registry } = metricsModule((context) => {
    observer = registerLinkMetrics(context);
  });
  if (!observer) throw new Error('registerLinkMetrics returned no observer');
  const intervals: number[] = [];
  let intervalMs = options.intervalMs ?? INTERVAL_MS;
  const link = await AgentLink.start({
    config: { ...config, collector: target },
    inventory: { ...TEST_INVENTORY, kernel: '6.1.0-test', os: 'Test Linux' },
    logger,
    observer,
    intervalMs: () => intervalMs,
    onInterval: (next) => {
      intervals.push(next);
      intervalMs = next;
    },
    tuning: options.tuning ?? FAST,
  });
  let closed = false;
  const running: RunningLink = {
    link,
    registry,
    lines,
    intervals,
    async metric(name) {
      return samplesOf(parseExposition(await registry.metrics()), name)[0]?.value ?? Number.NaN;
    },
    async close() {
      if (closed) return;
      closed = true;
      await link.close();
    },
  };
  cleanups.push(() => running.close());
  return running;
}

async function collector(options: Parameters<typeof startFakeCollector>[0] = {}): Promise<FakeCollector> {
  const started = await startFakeCollector(options);
  cleanups.push(() => started.stop());
  return started;
}

/** A report of this test host's shape with a recognisable boot id. */
function report(bootId = 'c0ffee00-0000-4000-8000-000000000001'): AgentReport {
  return { ...reportWith({}), bootId };
}

/** A report made large by a long finding summary (samples are small on their own). */
function bigReport(bytes: number): AgentReport {
  return {
    ...report(),
    findings: [
      {
        check: 'memory-available',
        cause: 'memory-pressure',
        severity: 'warning',
        summary: 'x'.repeat(bytes),
        value: 1,
        threshold: 2,
      },
    ],
  };
}

async function submit(running: RunningLink, count: number, make: () => AgentReport = report): Promise<void> {
  for (let i = 0; i < count; i += 1) await running.link.submit(make());
}

function range(from: number, to: number): bigint[] {
  return Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));
}

const logged = (running: RunningLink, message: string) =>
  running.lines().filter((line) => line.msg === message);

describe('the link with a healthy collector', () => {
  it('opens with a Hello, streams the spool in order and is acknowledged; metrics and logs say so', async () => {
    const server = await collector();
    const running = await startLink(server.target);
    await submit(running, 3);
    await waitFor('three reports stored', () => (server.store.reports.length === 3 ? true : undefined), WAIT);
    await waitFor(
      'the spool emptied by acks',
      () => (running.link.pendingReports === 0 ? true : undefined),
      WAIT,
    );

    expect(server.store.sequences()).toEqual([1n, 2n, 3n]);
    expect(server.store.reports.map((r) => r.bootId)).toEqual(
      Array(3).fill('c0ffee00-0000-4000-8000-000000000001'),
    );
    const state = JSON.parse(readFileSync(join(spoolDir, SPOOL_SUBDIR, 'spool-state.json'), 'utf8')) as {
      epoch: string;
    };
    expect(server.streams).toHaveLength(1);
    expect(server.streams[0]?.hello).toEqual({
      nodeName: configFrom([]).nodeName,
      bootId: 'c0ffee00-0000-4000-8000-000000000001',
      agentVersion: expect.any(String),
      kernel: '6.1.0-test',
      os: 'Test Linux',
      capabilities: [...SIGNAL_NAMES],
      epoch: state.epoch,
      interval: { seconds: '1', nanos: 0 },
    });

    expect(await running.metric('nodedoc_agent_link_up')).toBe(1);
    expect(await running.metric('nodedoc_agent_link_reports_sent_total')).toBe(3);
    expect(await running.metric('nodedoc_agent_link_reports_acked_total')).toBe(3);
    expect(await running.metric('nodedoc_agent_spool_reports')).toBe(0);
    expect(await running.metric('nodedoc_agent_link_reconnects_total')).toBe(0);
    expect(await running.metric('nodedoc_agent_link_last_ack_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(logged(running, 'collector link up')).toHaveLength(1);
    expect(await running.link.flush(1_000)).toBe(true);
  });

  it.skipIf(requires({ commands: ['promtool'] }))(
    'exposes link metrics that promtool finds clean',
    async () => {
      const server = await collector();
      const running = await startLink(server.target);
      await submit(running, 2);
      await waitFor('acks', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);
      const verdict = await promtoolCheckMetrics(await running.registry.metrics());
      expect(verdict.problems).toEqual([]);
      expect(verdict.code).toBe(0);
    },
  );

  it('applies an interval the collector sends, and ignores one outside sane bounds', async () => {
    const server = await collector({ behaviour: { settingsIntervalMs: 2_500 } });
    const running = await startLink(server.target);
    await submit(running, 1);
    await waitFor('the interval applied', () => (running.intervals.length > 0 ? true : undefined), WAIT);
    expect(running.intervals).toEqual([2_500]);

    server.behave({ settingsIntervalMs: 5 });
    await server.stop();
    const again = await collector({
      port: server.port,
      store: server.store,
      behaviour: { settingsIntervalMs: 5 },
    });
    await submit(running, 1);
    await waitFor('the second stream up', () => (again.store.reports.length === 2 ? true : undefined), WAIT);
    await waitFor('the refusal logged', () =>
      logged(running, 'ignoring an interval from the collector outside sane bounds').length === 1
        ? true
        : undefined,
    );
    expect(running.intervals).toEqual([2_500]);
  });
});

describe('the link when the collector goes away', () => {
  it('spools while the collector is down and replays exactly what it lacks after it restarts on the same port', async () => {
    const first = await collector();
    const running = await startLink(first.target);
    await submit(running, 3);
    await waitFor('3 acknowledged', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);

    await first.stop();
    await waitFor(
      'link down',
      async () => ((await running.metric('nodedoc_agent_link_up')) === 0 ? true : undefined),
      WAIT,
    );
    await submit(running, 4);
    expect(running.link.pendingReports).toBe(4);
    expect(await running.metric('nodedoc_agent_spool_reports')).toBe(4);

    const second = await collector({ port: first.port, store: first.store });
    await waitFor('7 stored', () => (second.store.reports.length === 7 ? true : undefined), WAIT);
    await waitFor('spool empty', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);

    expect(second.store.sequences()).toEqual(range(1, 7));
    expect(second.store.duplicates).toBe(0);
    expect(second.store.gaps).toBe(0);
    // The restarted collector got one Hello of the same epoch, then only 4..7.
    expect(second.streams[0]?.hello?.epoch).toBe(first.streams[0]?.hello?.epoch);
    expect(second.streams.flatMap((stream) => stream.batches.flat())).toEqual(range(4, 7));
    expect(await running.metric('nodedoc_agent_link_up')).toBe(1);
    expect(await running.metric('nodedoc_agent_link_reconnects_total')).toBeGreaterThanOrEqual(1);
    // One line per transition, however many attempts failed in between.
    expect(logged(running, 'collector link down; spooling and reconnecting')).toHaveLength(1);
    expect(logged(running, 'collector link up')).toHaveLength(2);
  });

  it('does not send again what the collector stored but never acknowledged (its Welcome says so)', async () => {
    const first = await collector({ behaviour: { ack: false } });
    const running = await startLink(first.target);
    await submit(running, 5);
    await waitFor('5 stored, none acked', () => (first.store.reports.length === 5 ? true : undefined), WAIT);
    expect(running.link.pendingReports).toBe(5);

    await first.stop();
    const second = await collector({ port: first.port, store: first.store });
    await waitFor(
      'released by the Welcome',
      () => (running.link.pendingReports === 0 ? true : undefined),
      WAIT,
    );
    await submit(running, 1);
    await waitFor('6 stored', () => (second.store.reports.length === 6 ? true : undefined), WAIT);
    expect(second.streams.flatMap((stream) => stream.batches.flat())).toEqual([6n]);
    expect(second.store.duplicates).toBe(0);
    expect(await running.metric('nodedoc_agent_link_reports_acked_total')).toBe(6);
  });

  it('numbers on above what the collector has of its epoch when the spool is behind it (restored from an old copy)', async () => {
    const server = await collector();
    const running = await startLink(server.target);
    const { epoch } = JSON.parse(readFileSync(join(spoolDir, SPOOL_SUBDIR, 'spool-state.json'), 'utf8')) as {
      epoch: string;
    };
    server.store.stored.set(epoch, 100n);
    await submit(running, 1);
    await waitFor('the spool released', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);
    await submit(running, 2);
    await waitFor('2 stored', () => (server.store.reports.length === 2 ? true : undefined), WAIT);
    // Report 1 is indistinguishable from the collector's own number 1 and counts as stored; numbering goes on
    // above 100, so nothing new is mistaken for what the collector has.
    expect(server.store.sequences()).toEqual([101n, 102n]);
    expect(server.store.duplicates).toBe(0);
    expect(
      running
        .lines()
        .some((line) =>
          String(line.msg).startsWith('the collector has sequences of this epoch that this agent never sent'),
        ),
    ).toBe(true);
  });

  it('keeps unsent reports across an agent restart and sends them under the same epoch, numbering on', async () => {
    const server = await collector();
    const port = server.port;
    const store = server.store;
    await server.stop();

    const before = await startLink(`127.0.0.1:${port}`);
    await submit(before, 3);
    expect(await before.link.flush(200)).toBe(false);
    await before.close();

    const after = await startLink(`127.0.0.1:${port}`);
    expect(after.link.pendingReports).toBe(3);
    const restarted = await collector({ port, store });
    await submit(after, 1);
    await waitFor('4 stored', () => (restarted.store.reports.length === 4 ? true : undefined), WAIT);
    expect(restarted.store.sequences()).toEqual(range(1, 4));
    expect(new Set(restarted.streams.map((stream) => stream.hello?.epoch)).size).toBe(1);
  });

  it('logs "unreachable" once, not once per attempt, while the collector never answers', async () => {
    const server = await collector();
    await server.stop();
    const running = await startLink(server.target);
    await submit(running, 1);
    await waitFor('several attempts', async () =>
      (await running.metric('nodedoc_agent_link_reconnects_total')) >= 4 ? true : undefined,
    );
    expect(logged(running, 'collector unreachable; spooling and retrying with backoff')).toHaveLength(1);
    expect(logged(running, 'collector still unreachable').length).toBeGreaterThanOrEqual(3);
    expect(await running.metric('nodedoc_agent_link_up')).toBe(0);
  });
});

describe('a report the collector refuses', () => {
  const POISON = 'deadbeef-0000-4000-8000-00000000dead';

  it('is found by resending one at a time, dropped, counted and logged; every other report is stored once', async () => {
    const server = await collector({ behaviour: { refuse: (r) => r.bootId === POISON } });
    await server.stop();
    const running = await startLink(server.target);
    // Spooled while the collector is away, so the replay sends them as one batch the collector refuses.
    await submit(running, 4);
    await running.link.submit(report(POISON));
    await submit(running, 5);
    const back = await collector({
      port: server.port,
      store: server.store,
      behaviour: { refuse: (r) => r.bootId === POISON },
    });
    await waitFor('the spool emptied', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);

    expect(back.store.sequences()).toEqual([...range(1, 4), ...range(6, 10)]);
    expect(back.store.gaps).toBe(1);
    expect(back.store.duplicates).toBe(0);
    // The first refusal is of a whole batch; the one after names report 5 alone.
    expect(back.refused.at(-1)).toEqual([5n]);
    expect(back.refused[0]?.length).toBeGreaterThan(1);
    expect(await running.metric('nodedoc_agent_link_reports_rejected_total')).toBe(1);
    const dropped = logged(
      running,
      'the collector refused a report as invalid; dropped it (the collector counts it as a gap)',
    );
    expect(dropped.map((line) => [line.level, line.sequence])).toEqual([[50, '5']]);
    expect(String(dropped[0]?.reason)).toContain('INVALID_ARGUMENT');

    // Past the refused report, batches carry several reports again.
    expect(
      logged(running, 'every report the collector refused was found and dropped; sending batches again'),
    ).toHaveLength(1);
    await back.stop();
    await submit(running, 3);
    const again = await collector({ port: server.port, store: server.store });
    await waitFor('13 stored', () => (again.store.reports.length === 12 ? true : undefined), WAIT);
    expect(again.streams.flatMap((stream) => stream.batches)).toEqual([range(11, 13)]);
  });
});

describe('backpressure', () => {
  it('stops writing while the collector does not read, holds the rest in the spool, then delivers all in order', async () => {
    const server = await collector({ behaviour: { stallReading: true } });
    const tuning: LinkTuning = { ...FAST, maxBatchBytes: 16 * 1024, maxInFlightBytes: 32 * 1024 };
    const running = await startLink(server.target, { tuning });
    const total = 300;
    await submit(running, total, () => bigReport(8 * 1024));

    await waitFor('the link holding sends', () =>
      running.lines().some((line) => String(line.msg).includes('(backpressure)')) ? true : undefined,
    );
    const sentWhileStalled = await running.metric('nodedoc_agent_link_reports_sent_total');
    // 300 reports of ~8 KiB are 2.4 MiB; the stream took a fraction before it pushed back.
    expect(sentWhileStalled).toBeGreaterThan(0);
    expect(sentWhileStalled).toBeLessThan(total);
    expect(running.link.pendingReports).toBe(total);

    server.resumeReading();
    await waitFor('all stored', () => (server.store.reports.length === total ? true : undefined), WAIT);
    await waitFor('all acked', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);
    expect(server.store.sequences()).toEqual(range(1, total));
    expect(server.store.duplicates).toBe(0);
    // Every batch within the byte limit (two 8 KiB reports fit 16 KiB; the first always goes).
    for (const batch of server.streams[0]?.batches ?? []) expect(batch.length).toBeLessThanOrEqual(2);
  });
});

describe('dead-link detection', () => {
  let proxy: FreezableProxy;

  it('keepalive notices a collector that stops answering (frozen), the agent spools, and catches up when it thaws', async () => {
    const server = await collector();
    proxy = await startFreezableProxy(server.port);
    cleanups.push(() => proxy.stop());
    // Keepalive shortened; the watchdog pushed out of the way, so only keepalive can end the stream.
    const tuning: LinkTuning = {
      ...FAST,
      keepaliveTimeMs: 1_000,
      keepaliveTimeoutMs: 1_000,
      watchdogMinMs: 600_000,
    };
    const running = await startLink(proxy.target, { tuning });
    await submit(running, 2);
    await waitFor('2 acknowledged', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);

    proxy.freeze();
    await submit(running, 3);
    await waitFor(
      'link down',
      async () => ((await running.metric('nodedoc_agent_link_up')) === 0 ? true : undefined),
      WAIT,
    );
    const down = logged(running, 'collector link down; spooling and reconnecting');
    expect(down).toHaveLength(1);
    expect(String(down[0]?.reason)).not.toContain('watchdog');
    expect(running.link.pendingReports).toBe(3);

    proxy.thaw();
    await waitFor('5 stored', () => (server.store.reports.length === 5 ? true : undefined), WAIT);
    await waitFor('all acked', () => (running.link.pendingReports === 0 ? true : undefined), WAIT);
    expect(server.store.sequences()).toEqual(range(1, 5));
  });

  it('the watchdog ends a stream whose collector stopped acknowledging, and the next stream resumes from its Welcome', async () => {
    const server = await collector({ behaviour: { ack: false } });
    const tuning: LinkTuning = { ...FAST, watchdogIntervals: 3, watchdogMinMs: 0 };
    const running = await startLink(server.target, { tuning, intervalMs: 100 });
    await submit(running, 2);
    await waitFor('a second stream', () => (server.streams.length >= 2 ? true : undefined), WAIT);
    const down = logged(running, 'collector link down; spooling and reconnecting');
    expect(String(down[0]?.reason)).toMatch(/^watchdog: no ack for \d+ms with 2 reports outstanding$/);
    // The collector had stored both: its Welcome released them, and they were not sent again.
    await waitFor(
      'released by the Welcome',
      () => (running.link.pendingReports === 0 ? true : undefined),
      WAIT,
    );
    expect(server.streams[1]?.batches.flat()).toEqual([]);
    expect(server.store.duplicates).toBe(0);
  });

  it('the watchdog ends a stream that never gets its Welcome', async () => {
    const server = await collector({ behaviour: { welcome: false } });
    const tuning: LinkTuning = { ...FAST, watchdogIntervals: 3, watchdogMinMs: 0 };
    const running = await startLink(server.target, { tuning, intervalMs: 100 });
    await submit(running, 1);
    await waitFor('a second stream', () => (server.streams.length >= 2 ? true : undefined), WAIT);
    const unreachable = logged(running, 'collector unreachable; spooling and retrying with backoff');
    expect(String(unreachable[0]?.reason)).toBe('watchdog: no Welcome within 300ms');
    expect(await running.metric('nodedoc_agent_link_up')).toBe(0);
  });
});

describe.skipIf(requires({ commands: ['openssl'] }))('mTLS', () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let serverCredentials: ServerCredentials;

  beforeEach(async () => {
    pki = await createTestPki('nodedoc test CA');
    otherPki = await createTestPki('some other CA');
    const serverFiles = await pki.issue('collector', '/CN=nodedoc-collector', 'IP:127.0.0.1');
    serverCredentials = ServerCredentials.createSsl(
      pki.caCert,
      [{ cert_chain: readFileSync(serverFiles.certPath), private_key: readFileSync(serverFiles.keyPath) }],
      true,
    );
    cleanups.push(
      () => pki.remove(),
      () => otherPki.remove(),
    );
  });

  it('streams over mTLS, the collector seeing the node identity in the client certificate', async () => {
    const server = await collector({ credentials: serverCredentials });
    const client = await pki.issue('worker-1', '/O=system:nodes/CN=system:node:worker-1');
    const running = await startLink(server.target, {
      args: ['--tls-cert', client.certPath, '--tls-key', client.keyPath, '--tls-ca', pki.caPath],
    });
    await submit(running, 2);
    await waitFor('2 stored', () => (server.store.reports.length === 2 ? true : undefined), WAIT);
    expect(server.streams[0]?.peerCommonName).toBe('system:node:worker-1');
    expect(server.store.sequences()).toEqual([1n, 2n]);
  });

  it('is refused with a client certificate from another CA, and spools', async () => {
    const server = await collector({ credentials: serverCredentials });
    const stranger = await otherPki.issue('worker-1', '/CN=system:node:worker-1');
    const running = await startLink(server.target, {
      args: ['--tls-cert', stranger.certPath, '--tls-key', stranger.keyPath, '--tls-ca', pki.caPath],
    });
    await submit(running, 2);
    await waitFor('two failed attempts', async () =>
      (await running.metric('nodedoc_agent_link_reconnects_total')) >= 2 ? true : undefined,
    );
    expect(server.streams).toHaveLength(0);
    expect(await running.metric('nodedoc_agent_link_up')).toBe(0);
    expect(running.link.pendingReports).toBe(2);
  });

  it('does not trust a collector whose certificate its CA did not sign', async () => {
    const server = await collector({ credentials: serverCredentials });
    const client = await otherPki.issue('worker-1', '/CN=system:node:worker-1');
    const running = await startLink(server.target, {
      args: ['--tls-cert', client.certPath, '--tls-key', client.keyPath, '--tls-ca', otherPki.caPath],
    });
    await submit(running, 1);
    await waitFor('two failed attempts', async () =>
      (await running.metric('nodedoc_agent_link_reconnects_total')) >= 2 ? true : undefined,
    );
    expect(server.streams).toHaveLength(0);
    const reason = String(
      logged(running, 'collector unreachable; spooling and retrying with backoff')[0]?.reason,
    );
    expect(reason).toMatch(/^UNAVAILABLE/);
  });
});
