import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TimelinePointJson } from '../../common/api/http-v1.js';
import { CollectorProcess, stablePort } from '../harness/collector-process.js';
import { waitFor } from '../harness/wait-for.js';
import {
  agentLogged,
  agentMetric,
  linkScene,
  POLL,
  sequencesThrough,
  spoolOnDisk,
  startLinkAgent,
} from './link-support.js';

/**
 * The real agent streaming to the real collector over loopback gRPC, and the collector SIGKILLed mid-stream:
 * no shutdown, no flush, whatever it was doing cut off. The agent keeps sampling into its spool for several
 * seconds, the collector comes back on the same data dir and port, and the agent replays. Ingest is
 * idempotent per (node, sequence), so what the collector had stored but not yet acknowledged when it died is
 * replayed and recognised rather than stored twice.
 */

const NODE = 'e2e-crash';
/** Reports stored before the crash, so the kill lands mid-stream rather than at the start. */
const REPORTS_BEFORE_CRASH = 15;
/** "Several seconds" down: at 200 ms the agent spools a few dozen reports meanwhile. */
const OUTAGE_MS = 5_000;
const INTERVAL = '200ms';

const scene = linkScene('crash');
const { spoolDir } = scene;

describe('the collector SIGKILLed mid-stream and restarted on the same data dir', () => {
  it('keeps every report stored before the crash, stores none twice, and has no gap after the replay', async () => {
    const first = await CollectorProcess.start({ grpcPort: await stablePort() });
    scene.collector = first;
    const running = await startLinkAgent([
      '--collector',
      first.grpcTarget,
      '--spool-dir',
      spoolDir,
      '--node-name',
      NODE,
      '--interval',
      INTERVAL,
    ]);
    scene.agent = running;
    await waitFor(
      `${REPORTS_BEFORE_CRASH} reports stored`,
      async () => ((await first.ingest(NODE))?.received ?? 0) >= REPORTS_BEFORE_CRASH || undefined,
      POLL,
    );

    // What the agent was told is stored, then what the collector shows: read in that order, the timeline
    // holds at least every acknowledged report.
    const ackedBeforeCrash = await agentMetric(running, 'nodedoc_agent_link_reports_acked_total');
    const storedBeforeCrash = await first.timeline(NODE);
    expect(ackedBeforeCrash).toBeGreaterThan(0);
    expect(storedBeforeCrash.map((point) => point.sequence)).toEqual(
      sequencesThrough(storedBeforeCrash.length),
    );
    expect(storedBeforeCrash.length).toBeGreaterThanOrEqual(ackedBeforeCrash);

    await first.kill();
    const killedAt = Date.now();
    expect(first.logged('shutting down')).toBeUndefined();

    // The agent notices, and keeps sampling into its spool while nothing listens.
    await waitFor(
      'the agent to log the link down',
      () => agentLogged(running, 'collector link down; spooling and reconnecting')[0],
      POLL,
    );
    expect(await agentMetric(running, 'nodedoc_agent_link_up')).toBe(0);
    await sleep(Math.max(0, killedAt + OUTAGE_MS - Date.now()));
    const spooledDuringOutage = await agentMetric(running, 'nodedoc_agent_spool_reports');
    expect(spooledDuringOutage).toBeGreaterThanOrEqual(10);

    const second = await first.restart();
    scene.collector = second;
    expect(second.grpcPort).toBe(first.grpcPort);
    expect(second.logged('store open; serving')?.nodes).toBe(1);
    // Everything the collector had before it died is there the moment it is back, before any replay.
    const ingestOnRestart = await second.ingest(NODE);
    expect(BigInt(ingestOnRestart?.lastSeq ?? '0')).toBeGreaterThanOrEqual(BigInt(storedBeforeCrash.length));

    await waitFor(
      'the agent to reconnect and the spool to drain',
      async () =>
        agentLogged(running, 'collector link up').length >= 2 &&
        (await agentMetric(running, 'nodedoc_agent_spool_reports')) === 0
          ? true
          : undefined,
      POLL,
    );
    expect(await running.stop()).toBe(0);
    scene.agent = undefined;

    // Every report the agent ever numbered is stored, exactly once, in order.
    const spool = await spoolOnDisk(spoolDir);
    expect(spool.pending).toBe(0);
    const last = Number(spool.last);
    expect(last).toBeGreaterThanOrEqual(storedBeforeCrash.length + spooledDuringOutage);
    const ingest = await second.ingest(NODE);
    expect(ingest).toMatchObject({ received: last, lastSeq: String(last), gaps: 0 });
    const timeline = await second.timeline(NODE);
    expect(timeline.map((point) => point.sequence)).toEqual(sequencesThrough(last));
    // The reports stored before the crash are the same reports, unchanged (sampled and received times, vitals).
    const bySequence = new Map<string, TimelinePointJson>(timeline.map((point) => [point.sequence, point]));
    for (const before of storedBeforeCrash) expect(bySequence.get(before.sequence)).toEqual(before);
    expect(second.logs().some((line) => line.msg === 'sequences skipped by the agent counted as gaps')).toBe(
      false,
    );
  }, 90_000);
});
