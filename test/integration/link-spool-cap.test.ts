import { describe, expect, it } from 'vitest';
import { MIN_SPOOL_MAX_BYTES } from '../../agent/link/spool.js';
import { formatBytes } from '../../common/bytes.js';
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
 * The spool cap hit for real: the agent streams to the collector, the collector goes away (an orderly stop,
 * so everything it stored was also acknowledged), and the agent, sampling every 100 ms into the smallest
 * spool it accepts, has to drop its oldest reports. When the collector is back, the dropped sequences are
 * exactly the ones the collector counts as gaps: the agent's counter and the collector's figure agree.
 */

const NODE = 'e2e-spool-cap';
const INTERVAL = '100ms';
/** At least two spool segments dropped (a segment is an eighth of the cap: ~8 reports here). */
const DROPPED_AT_LEAST = 16;
/**
 * Allowance for reports the first collector stored as it stopped whose acks the agent never saw (counted as
 * dropped by the agent, stored by the collector). Seen: 4, once; the agent keeps two batches in flight, and at a
 * 100 ms interval with acks within milliseconds a batch holds one or a few reports.
 */
const UNACKED_AT_STOP = 8;
const SPOOL_FULL_WARNING =
  'spool full: dropping the oldest unsent reports (warned once until it drains to half)';

const scene = linkScene('spool-cap');
const { spoolDir } = scene;

describe('the spool cap hit while the collector is down', () => {
  it('drops the oldest reports, counts and logs them, and the collector counts exactly those as gaps', async () => {
    const first = await CollectorProcess.start({ grpcPort: await stablePort() });
    scene.collector = first;
    const running = await startLinkAgent([
      '--collector',
      first.grpcTarget,
      '--spool-dir',
      spoolDir,
      '--spool-max-bytes',
      String(MIN_SPOOL_MAX_BYTES),
      '--node-name',
      NODE,
      '--interval',
      INTERVAL,
    ]);
    scene.agent = running;
    await waitFor(
      '10 reports stored',
      async () => ((await first.ingest(NODE))?.received ?? 0) >= 10 || undefined,
      POLL,
    );
    expect(await first.stop('SIGTERM')).toBe(0);

    const warning = await waitFor(
      'the spool-full warning',
      () => agentLogged(running, SPOOL_FULL_WARNING)[0],
      POLL,
    );
    expect(warning).toMatchObject({ level: 'warn', cap: formatBytes(MIN_SPOOL_MAX_BYTES) });
    await waitFor(
      `${DROPPED_AT_LEAST} reports dropped`,
      async () =>
        (await agentMetric(running, 'nodedoc_agent_spool_dropped_reports_total')) >= DROPPED_AT_LEAST ||
        undefined,
      POLL,
    );
    // Warned once for the whole episode, however many segments went.
    expect(agentLogged(running, SPOOL_FULL_WARNING)).toHaveLength(1);
    expect(await agentMetric(running, 'nodedoc_agent_spool_bytes')).toBeLessThanOrEqual(MIN_SPOOL_MAX_BYTES);

    const second = await first.restart();
    scene.collector = second;
    await waitFor(
      'the agent to reconnect and the spool to drain',
      async () =>
        agentLogged(running, 'collector link up').length >= 2 &&
        (await agentMetric(running, 'nodedoc_agent_spool_reports')) === 0
          ? true
          : undefined,
      POLL,
    );
    // The Welcome told the agent what the collector had stored before the outage.
    const storedBeforeOutage = Number(agentLogged(running, 'collector link up')[1]?.collectorStored);
    expect(storedBeforeOutage).toBeGreaterThanOrEqual(10);
    // Nothing is dropped once the collector takes reports again, so this is the final count.
    const dropped = await agentMetric(running, 'nodedoc_agent_spool_dropped_reports_total');
    expect(await running.stop()).toBe(0);
    scene.agent = undefined;

    const spool = await spoolOnDisk(spoolDir);
    expect(spool.pending).toBe(0);
    const last = Number(spool.last);
    const ingest = await second.ingest(NODE);
    // The collector's account is the truth: every sequence is stored once or counted as a gap, never both.
    expect(ingest).toMatchObject({ lastSeq: String(last), received: last - (ingest?.gaps ?? Number.NaN) });
    expect(ingest?.gaps).toBeGreaterThanOrEqual(DROPPED_AT_LEAST - UNACKED_AT_STOP);
    // The agent counts the unacknowledged reports of the segments it deleted. Seen once in CI (2026-11-23):
    // 290 counted, 286 gaps, the other 4 stored by the first collector as it stopped without the agent
    // seeing their ack. So the agent may overcount by what was unacknowledged at the stop, never undercount.
    expect(dropped).toBeGreaterThanOrEqual(ingest?.gaps ?? Number.NaN);
    expect(dropped - (ingest?.gaps ?? Number.NaN)).toBeLessThanOrEqual(UNACKED_AT_STOP);
    // The lost ones are the oldest unsent: one run right after what the collector had stored.
    const gaps = ingest?.gaps ?? Number.NaN;
    const stored = (await second.timeline(NODE)).map((point) => point.sequence);
    expect(stored).toEqual([
      ...sequencesThrough(storedBeforeOutage),
      ...sequencesThrough(last, storedBeforeOutage + gaps + 1),
    ]);
    const gapLines = second
      .logs()
      .filter((line) => line.msg === 'sequences skipped by the agent counted as gaps');
    expect(gapLines.map((line) => line.gaps)).toEqual([gaps]);
  }, 120_000);
});
