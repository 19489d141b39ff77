import { describe, expect, it } from 'vitest';
import { LINK_DEFAULTS } from '../../agent/link/link-tuning.js';
import { CollectorProcess } from '../harness/collector-process.js';
import { waitFor } from '../harness/wait-for.js';
import {
  agentLogged,
  agentMetric,
  linkScene,
  sequencesThrough,
  spoolOnDisk,
  startLinkAgent,
} from './link-support.js';

/**
 * The collector frozen with SIGSTOP: its process and sockets stay, the kernel keeps the TCP connection open
 * and even accepts writes into its buffers, but nothing answers — a hung node, a partition without a FIN or
 * RST. Only the agent's HTTP/2 keepalive (a PING every keepaliveTimeMs, dead when unanswered for
 * keepaliveTimeoutMs) can tell. The agent runs with production link timers.
 *
 * The agent's other detector, the watchdog (no ack for max(watchdogMinMs, watchdogIntervals × interval)),
 * would also end the stream; the interval is chosen so that its deadline comes after the keepalive's latest
 * possible verdict, so it is the keepalive that is seen to act.
 */

const NODE = 'e2e-freeze';
const KEEPALIVE_VERDICT_MS = LINK_DEFAULTS.keepaliveTimeMs + LINK_DEFAULTS.keepaliveTimeoutMs;
/** Between the keepalive's latest verdict and the watchdog's deadline. */
const MARGIN_MS = 6_000;
const INTERVAL_MS = Math.ceil((KEEPALIVE_VERDICT_MS + MARGIN_MS) / LINK_DEFAULTS.watchdogIntervals);
/** grpc-js's own message for a call whose connection its keepalive declared dead. */
const KEEPALIVE_DOWN_REASON = 'UNAVAILABLE: Connection dropped';
/** grpc-js's keepalive trace line (GRPC_TRACE=keepalive) when a ping went unanswered. */
const PING_TIMEOUT_TRACE = 'Ping timeout passed without response';
/** Reports the agent spools while the collector is frozen (one per interval). */
const SPOOLED_WHILE_FROZEN = 2;

const scene = linkScene('freeze');
const { spoolDir } = scene;

describe('the collector frozen with SIGSTOP', () => {
  it('is found dead by the agent keepalive, which spools meanwhile; after SIGCONT every report arrives without a gap', async () => {
    expect(LINK_DEFAULTS.watchdogIntervals * INTERVAL_MS).toBeGreaterThan(KEEPALIVE_VERDICT_MS);
    expect(LINK_DEFAULTS.watchdogMinMs).toBeLessThan(LINK_DEFAULTS.watchdogIntervals * INTERVAL_MS);
    const frozen = await CollectorProcess.start();
    scene.collector = frozen;
    const running = await startLinkAgent(
      [
        '--collector',
        frozen.grpcTarget,
        '--spool-dir',
        spoolDir,
        '--node-name',
        NODE,
        '--interval',
        `${INTERVAL_MS}ms`,
        '--log-level',
        'debug',
      ],
      // grpc-js writes its keepalive trace to stderr: the ping that went unanswered, seen from inside.
      { GRPC_TRACE: 'keepalive', GRPC_VERBOSITY: 'DEBUG' },
    );
    scene.agent = running;
    let stderr = '';
    running.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitFor(
      'the first report acknowledged',
      async () =>
        (await agentMetric(running, 'nodedoc_agent_link_reports_acked_total')) >= 1 &&
        (await agentMetric(running, 'nodedoc_agent_spool_reports')) === 0
          ? true
          : undefined,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const storedBeforeFreeze = Number((await frozen.ingest(NODE))?.lastSeq ?? 0);

    frozen.freeze();
    const down = await waitFor(
      'the agent to declare the link down',
      () => agentLogged(running, 'collector link down; spooling and reconnecting')[0],
      { timeoutMs: KEEPALIVE_VERDICT_MS + MARGIN_MS + 10_000, intervalMs: 100 },
      () =>
        JSON.stringify(
          running
            .logLines()
            .filter((line) => line.msg !== 'cycle')
            .slice(-5),
        ),
    );
    expect(down.reason).toBe(KEEPALIVE_DOWN_REASON);
    expect(down.level).toBe('warn');
    expect(stderr).toContain(PING_TIMEOUT_TRACE);
    expect(await agentMetric(running, 'nodedoc_agent_link_up')).toBe(0);
    // The spool grows while the collector stays frozen: each cycle's report waits there.
    await waitFor(
      `${SPOOLED_WHILE_FROZEN} reports spooled`,
      async () =>
        (await agentMetric(running, 'nodedoc_agent_spool_reports')) >= SPOOLED_WHILE_FROZEN || undefined,
      { timeoutMs: SPOOLED_WHILE_FROZEN * INTERVAL_MS + 10_000, intervalMs: 200 },
    );
    expect(await agentMetric(running, 'nodedoc_agent_spool_bytes')).toBeGreaterThan(0);

    frozen.thaw();
    await waitFor(
      'the agent to reconnect and the spool to drain',
      async () =>
        agentLogged(running, 'collector link up').length >= 2 &&
        (await agentMetric(running, 'nodedoc_agent_spool_reports')) === 0
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(await running.stop()).toBe(0);
    scene.agent = undefined;

    const spool = await spoolOnDisk(spoolDir);
    expect(spool.pending).toBe(0);
    const last = Number(spool.last);
    expect(last).toBeGreaterThanOrEqual(storedBeforeFreeze + SPOOLED_WHILE_FROZEN);
    expect(await frozen.ingest(NODE)).toMatchObject({ received: last, lastSeq: String(last), gaps: 0 });
    expect((await frozen.timeline(NODE)).map((point) => point.sequence)).toEqual(sequencesThrough(last));
  }, 150_000);
});
