import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPOOL_SUBDIR } from '../../../agent/link/agent-link.js';
import { DiskSpoolStorage } from '../../../agent/link/disk-spool-storage.js';
import { Spool } from '../../../agent/link/spool.js';
import { type RunningAgent, startAgent } from '../../harness/agent-process.js';
import { waitFor } from '../../harness/wait-for.js';
import { CollectorStore, type FakeCollector, startFakeCollector } from './link-test-support.js';

/**
 * The built agent in continuous mode with --collector, against the in-test collector: what a process
 * does that a unit cannot show — SIGTERM flushes and exits 0, a SIGKILL loses nothing that was spooled,
 * the collector's interval takes effect, and without --spool-dir the agent says what it risks.
 */

/** Cycles a few hundred milliseconds apart, with probes that give up fast on this host. */
const FAST_AGENT = ['--probe-timeout', '200ms', '--dns-timeout', '200ms', '--log-level', 'debug'];
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

let spoolDir: string;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeEach(() => {
  spoolDir = mkdtempSync(join(tmpdir(), 'nodedoc-link-process-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(spoolDir, { recursive: true, force: true });
});

async function collector(options: Parameters<typeof startFakeCollector>[0] = {}): Promise<FakeCollector> {
  const started = await startFakeCollector(options);
  cleanups.push(() => started.stop());
  return started;
}

async function agent(args: readonly string[]): Promise<RunningAgent> {
  const interval = args.includes('--interval') ? [] : ['--interval', '200ms'];
  const running = await startAgent([...FAST_AGENT, ...interval, ...args]);
  cleanups.push(() => (running.child.exitCode === null ? running.child.kill('SIGKILL') : undefined));
  return running;
}

/** The agent's spool as the next start will find it (opening it is a crash recovery). */
async function spoolOnDisk(): Promise<{ epoch: string; pending: number; last: bigint }> {
  const spool = await Spool.open({
    storage: new DiskSpoolStorage(join(spoolDir, SPOOL_SUBDIR)),
    maxBytes: 64 * 1024 * 1024,
    logger: pino({ level: 'silent' }),
  });
  const result = { epoch: spool.epoch, pending: spool.pendingReports, last: spool.lastSequence };
  await spool.close();
  return result;
}

const messages = (running: RunningAgent) => running.logLines().map((line) => line.msg);

describe('nodedoc-agent --collector', () => {
  it('on SIGTERM stops sampling, has the collector acknowledge every report, and exits 0', async () => {
    const server = await collector();
    const running = await agent(['--collector', server.target, '--spool-dir', spoolDir]);
    await waitFor('3 reports stored', () => (server.store.reports.length >= 3 ? true : undefined), WAIT);

    expect(await running.stop()).toBe(0);
    expect(messages(running)).toContain('spool flushed: the collector has every report');
    const spool = await spoolOnDisk();
    expect(spool.pending).toBe(0);
    // Every report the agent ever numbered reached the collector, once, in order.
    expect(server.store.sequences()).toEqual(
      Array.from({ length: Number(spool.last) }, (_, i) => BigInt(i + 1)),
    );
    expect(server.store.duplicates).toBe(0);
    expect(server.streams[0]?.hello?.epoch).toBe(spool.epoch);
  });

  it('on SIGTERM during an outage retries at once, and flushes to a collector that is back within the grace period', async () => {
    const store = new CollectorStore();
    const server = await collector({ store });
    const running = await agent(['--collector', server.target, '--spool-dir', spoolDir]);
    await waitFor('2 reports stored', () => (store.reports.length >= 2 ? true : undefined), WAIT);
    await server.stop();
    await waitFor('link down', () =>
      messages(running).includes('collector link down; spooling and reconnecting') ? true : undefined,
    );
    // Long enough for the backoff to grow past the first step.
    await waitFor(
      'failed reconnects',
      () =>
        running.logLines().filter((line) => line.msg === 'collector still unreachable').length >= 2
          ? true
          : undefined,
      WAIT,
    );

    const exited = running.stop();
    const back = await collector({ port: server.port, store });
    expect(await exited).toBe(0);
    expect(messages(running)).toContain('spool flushed: the collector has every report');
    const spool = await spoolOnDisk();
    expect(spool.pending).toBe(0);
    expect(store.sequences()).toEqual(Array.from({ length: Number(spool.last) }, (_, i) => BigInt(i + 1)));
    expect(back.streams.length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('on SIGTERM with the collector gone for good gives up after the grace period, exits 0, and keeps the reports', async () => {
    const server = await collector();
    await server.stop();
    const running = await agent(['--collector', server.target, '--spool-dir', spoolDir]);
    await waitFor(
      'a few cycles',
      () => (running.logLines().filter((line) => line.msg === 'cycle').length >= 3 ? true : undefined),
      WAIT,
    );
    expect(await running.stop()).toBe(0);
    const gaveUp = running
      .logLines()
      .find(
        (line) =>
          line.msg === 'the collector did not acknowledge every report in time; the spool keeps the rest',
      );
    expect(gaveUp?.waited).toBe('10s');
    const spool = await spoolOnDisk();
    expect(spool.pending).toBeGreaterThanOrEqual(3);
    expect(gaveUp?.pending).toBe(spool.pending);
  }, 30_000);

  it('loses nothing it spooled when SIGKILLed during an outage: the next start replays it all', async () => {
    const store = new CollectorStore();
    const down = await collector({ store });
    await down.stop();
    const first = await agent(['--collector', down.target, '--spool-dir', spoolDir]);
    await waitFor('the outage logged', () =>
      messages(first).includes('collector unreachable; spooling and retrying with backoff')
        ? true
        : undefined,
    );
    // "cycle" is logged when a report is published, before it is spooled; a cycle starts only once the one
    // before it is done, spooling included. So the fifth "cycle" line means at least four reports are spooled.
    await waitFor(
      'a few cycles',
      () => (first.logLines().filter((l) => l.msg === 'cycle').length >= 5 ? true : undefined),
      WAIT,
    );
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const spooled = await spoolOnDisk();
    expect(spooled.pending).toBeGreaterThanOrEqual(4);
    expect(spooled.last).toBe(BigInt(spooled.pending));

    const up = await collector({ port: down.port, store });
    const second = await agent(['--collector', up.target, '--spool-dir', spoolDir]);
    await waitFor(
      'the killed run replayed and one more',
      () => (store.reports.length > spooled.pending ? true : undefined),
      WAIT,
    );
    const sequences = store.sequences();
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => BigInt(i + 1)));
    expect(store.gaps).toBe(0);
    expect(store.duplicates).toBe(0);
    expect(up.streams[0]?.hello?.epoch).toBe(spooled.epoch);
    expect(await second.stop()).toBe(0);
  });

  it('samples at the interval the collector sets', async () => {
    const server = await collector({ behaviour: { settingsIntervalMs: 200 } });
    // 10 s between cycles: without the collector's Settings, the bounded wait below could see two.
    const running = await agent(['--collector', server.target, '--spool-dir', spoolDir, '--interval', '10s']);
    await waitFor('6 reports stored', () => (server.store.reports.length >= 6 ? true : undefined), {
      ...WAIT,
      timeoutMs: 8_000,
    });
    const changed = running.logLines().find((line) => line.msg === 'sampling interval set by the collector');
    expect(changed).toMatchObject({ from: 10_000, to: 200 });
    expect(await running.stop()).toBe(0);
  });

  it('without --spool-dir keeps the spool in memory and says that unsent reports die with it', async () => {
    const server = await collector();
    const running = await agent(['--collector', server.target]);
    await waitFor('a report stored', () => (server.store.reports.length >= 1 ? true : undefined), WAIT);
    const warning = running
      .logLines()
      .find(
        (line) =>
          line.msg ===
          'no --spool-dir: reports the collector has not acknowledged are kept in memory and die with the process',
      );
    expect(warning?.level).toBe('warn');
    expect(await running.stop()).toBe(0);
  });
});
