import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { EXIT_FAILURE, EXIT_OK } from '../../common/cli/usage-error.js';
import { formatDuration } from '../../common/duration.js';
import { formatListenAddress } from '../../common/listen-address.js';
import { evaluate } from '../checks/index.js';
import type { AgentConfig } from '../config/agent-config.js';
import { CycleBoard } from '../cycle-board.js';
import type { HostPaths } from '../host/host-paths.js';
import { startMetricsServer } from '../http/metrics-server.js';
import { collectInventory } from '../inventory.js';
import type { AgentLink } from '../link/agent-link.js';
import { createAgentMetrics } from '../metrics/registry.js';
import { buildReport } from '../report.js';
import { Sampler } from '../sampler.js';
import { diffFindings } from './finding-changes.js';

/** /healthz fails when no cycle completed for this many intervals (a wedged sampler, not a slow one). */
const STALE_INTERVALS = 3;
/** How long shutdown waits for a cycle in flight before giving up on it. */
const SHUTDOWN_GRACE_MS = 5_000;
/**
 * How long shutdown waits for the collector to acknowledge the spool. With the cycle's 5 s this stays
 * well inside Kubernetes' default 30 s termination grace period; what is left stays in the spool.
 */
const LINK_FLUSH_GRACE_MS = 10_000;

/**
 * Samples every --interval until SIGTERM/SIGINT: publishes each cycle to /metrics, and logs findings
 * as they are raised, change severity or clear (one JSON line each), so the log is a timeline. With
 * --collector, every cycle is also spooled and streamed (agent/link); the collector may change the
 * interval; on SIGTERM the spool is flushed for a bounded time.
 */
export async function runContinuous(config: AgentConfig, paths: HostPaths, logger: Logger): Promise<number> {
  const board = new CycleBoard();
  const sampler = new Sampler({ config, paths, logger });
  const inventory = await collectInventory(paths);
  const { registry, sampling, link: linkMetrics } = createAgentMetrics(board, config, inventory);
  const startedAt = performance.now();
  /** --interval, or what the collector asked for since. */
  let intervalMs = config.intervalMs;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;

  let server: Server;
  try {
    ({ server } = await startMetricsServer(config.metricsListen, registry, () => {
      const last = board.lastCompletedAt ?? startedAt;
      const age = performance.now() - last;
      return age <= STALE_INTERVALS * intervalMs
        ? { healthy: true, detail: 'ok' }
        : { healthy: false, detail: `no sampling cycle completed for ${formatDuration(age)}` };
    }));
  } catch (error) {
    logger.error({ err: error, listen: formatListenAddress(config.metricsListen) }, 'cannot serve metrics');
    await sampler.close();
    return EXIT_FAILURE;
  }
  const { collector } = config;
  let link: AgentLink | undefined;
  try {
    // Imported only with --collector: the link brings grpc-js and protobufjs (~10 MiB of RSS) that an
    // agent without a collector should not pay for.
    link = collector
      ? await (await import('../link/agent-link.js')).AgentLink.start({
          config: { ...config, collector },
          inventory,
          logger,
          observer: linkMetrics,
          intervalMs: () => intervalMs,
          onInterval: (next) => {
            intervalMs = next;
            if (stopping) return;
            clearInterval(timer);
            timer = setInterval(tick, intervalMs);
          },
        })
      : undefined;
  } catch (error) {
    logger.error({ err: error, collector }, 'cannot set up the collector link');
    server.closeAllConnections();
    server.close();
    await sampler.close();
    return EXIT_FAILURE;
  }
  const address = server.address();
  logger.info(
    {
      node: config.nodeName,
      interval: formatDuration(config.intervalMs),
      hostRoot: config.hostRoot,
      collector: collector ?? null,
      metrics:
        typeof address === 'object' && address
          ? formatListenAddress({ host: address.address, port: address.port })
          : address,
      host: inventory,
    },
    'agent started',
  );

  board.subscribe((report, previous) => {
    const changes = diffFindings(previous?.findings ?? [], report.findings);
    for (const finding of changes.raised) logger.warn({ finding }, 'finding raised');
    for (const finding of changes.changed) logger.warn({ finding }, 'finding changed severity');
    for (const finding of changes.cleared) logger.info({ finding }, 'finding cleared');
    logger.debug(
      { durationSeconds: report.sampleDurationSeconds, findings: report.findings.length },
      'cycle',
    );
  });

  let inFlight: Promise<void> | undefined;
  const cycle = async () => {
    const result = await sampler.sample();
    const report = buildReport(
      config.nodeName,
      inventory,
      result,
      evaluate(result.samples, config.thresholds),
    );
    board.publish(report);
    // Part of the cycle, so shutdown's wait for the cycle in flight covers spooling its report.
    await link?.submit(report);
  };
  const tick = () => {
    if (inFlight) {
      sampling.skipped.inc();
      logger.warn(
        { interval: formatDuration(intervalMs) },
        'previous cycle still running; skipping this one',
      );
      return;
    }
    inFlight = cycle()
      .catch((error: unknown) => logger.error({ err: error }, 'sampling cycle failed'))
      .finally(() => {
        inFlight = undefined;
      });
  };
  tick();
  timer = setInterval(tick, intervalMs);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  stopping = true;
  clearInterval(timer);
  await Promise.race([inFlight, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
  if (link) {
    const flushed = await link.flush(LINK_FLUSH_GRACE_MS);
    if (flushed) logger.info('spool flushed: the collector has every report');
    else
      logger.warn(
        { pending: link.pendingReports, waited: formatDuration(LINK_FLUSH_GRACE_MS) },
        'the collector did not acknowledge every report in time; the spool keeps the rest',
      );
    await link.close();
  }
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sampler.close();
  logger.info('stopped');
  return EXIT_OK;
}
