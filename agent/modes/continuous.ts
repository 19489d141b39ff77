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
import { createAgentMetrics } from '../metrics/registry.js';
import { buildReport } from '../report.js';
import { Sampler } from '../sampler.js';
import { diffFindings } from './finding-changes.js';

/** /healthz fails when no cycle completed for this many intervals (a wedged sampler, not a slow one). */
const STALE_INTERVALS = 3;
/** How long shutdown waits for a cycle in flight before giving up on it. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Samples every --interval until SIGTERM/SIGINT: publishes each cycle to /metrics, and logs findings
 * as they are raised, change severity or clear (one JSON line each), so the log is a timeline.
 */
export async function runContinuous(config: AgentConfig, paths: HostPaths, logger: Logger): Promise<number> {
  const board = new CycleBoard();
  const sampler = new Sampler({ config, paths, logger });
  const inventory = await collectInventory(paths);
  const { registry, sampling } = createAgentMetrics(board, config, inventory);
  const startedAt = performance.now();
  const staleMs = STALE_INTERVALS * config.intervalMs;

  let server: Server;
  try {
    ({ server } = await startMetricsServer(config.metricsListen, registry, () => {
      const last = board.lastCompletedAt ?? startedAt;
      const age = performance.now() - last;
      return age <= staleMs
        ? { healthy: true, detail: 'ok' }
        : { healthy: false, detail: `no sampling cycle completed for ${formatDuration(age)}` };
    }));
  } catch (error) {
    logger.error({ err: error, listen: formatListenAddress(config.metricsListen) }, 'cannot serve metrics');
    await sampler.close();
    return EXIT_FAILURE;
  }
  const address = server.address();
  logger.info(
    {
      node: config.nodeName,
      interval: formatDuration(config.intervalMs),
      hostRoot: config.hostRoot,
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
    board.publish(
      buildReport(config.nodeName, inventory, result, evaluate(result.samples, config.thresholds)),
    );
  };
  const tick = () => {
    if (inFlight) {
      sampling.skipped.inc();
      logger.warn(
        { interval: formatDuration(config.intervalMs) },
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
  const timer = setInterval(tick, config.intervalMs);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  clearInterval(timer);
  await Promise.race([inFlight, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sampler.close();
  logger.info('stopped');
  return EXIT_OK;
}
