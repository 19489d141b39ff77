import type { Server as HttpServer } from 'node:http';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { formatListenAddress } from '../common/listen-address.js';
import { bundledRunbookDirectory } from '../common/runbooks/runbook-directory.js';
import { RunbookLibrary } from '../common/runbooks/runbook-library.js';
import { VERSION } from '../common/version.js';
import { AlertPusher } from './alerting/alert-pusher.js';
import { CollectorState } from './collector-state.js';
import type { CollectorConfig } from './config/collector-config.js';
import { DashboardAssets } from './dashboard/dashboard-assets.js';
import { DiagnosisBoard } from './diagnosis/diagnosis-board.js';
import { ReadinessRelay, type ReadinessSource } from './diagnosis/node-readiness.js';
import { HEALTH_SERVICES, startGrpcServer } from './grpc/grpc-server.js';
import { startHttpServer } from './http/http-server.js';
import { RunbookPages } from './http/runbook-pages.js';
import { ReportSession } from './ingest/report-session.js';
import { StreamRegistry } from './ingest/stream-registry.js';
import { startKubernetes } from './kube/start-kubernetes.js';
import { type CollectorMetrics, createCollectorMetrics } from './metrics/collector-registry.js';
import { queryServiceHandlers } from './query/query-service.js';
import { WatchRegistry } from './query/watch-diagnoses.js';
import { describeListenError, StartupError } from './startup-error.js';
import type { NodeStore } from './store/node-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import { NodeViews } from './views/node-views.js';

/** How often silence is re-judged: a node turns Unreachable within a second of its third missed interval. */
export const SWEEP_INTERVAL_MS = 1_000;
/** Retention runs this often (and once at start-up); the window itself is --retention. */
export const PRUNE_INTERVAL_MS = 60_000;
/**
 * Shutdown waits this long for streams to end after being told to (each finishes the batch it is storing
 * first); whatever is still open then is cut. Kubernetes' default grace period is 30 s.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface CollectorHooks {
  /** Opens the store (default: SqliteStore under --data-dir). Tests delay it to watch health flip. */
  readonly openStore?: (dataDir: string) => Promise<NodeStore> | NodeStore;
  readonly now?: () => number;
  /** Readiness from the Kubernetes API (default: none, the agent's kubelet probe stands in). */
  readonly readiness?: ReadinessSource;
  /** Shorter idle-connection timeout for tests. */
  readonly idleConnectionMs?: number;
  /** Limit on open event streams (GET /api/v1/watch); tests lower it to reach it. */
  readonly maxEventStreams?: number;
  /** Heartbeat period of event streams; tests shorten it to see one. */
  readonly eventHeartbeatMs?: number;
  /** Faster Kubernetes watch backoff for tests. */
  readonly kubernetesWatch?: { readonly backoffBaseMs?: number; readonly backoffCapMs?: number };
  /** Where the runbooks are read from (default: collector/runbooks of this package). */
  readonly runbookDirectory?: string;
}

/** Reads and renders every cause's runbook; a missing one is a StartupError now, not a 500 at 3 a.m. */
function loadRunbookPages(directory: string | undefined): RunbookPages {
  if (directory === undefined) {
    throw new StartupError('cannot find the runbooks: no package.json above the collector module');
  }
  try {
    return new RunbookPages(RunbookLibrary.load(directory));
  } catch (error) {
    throw new StartupError(
      `cannot load the runbooks: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export interface RunningCollector {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly metrics: CollectorMetrics;
  /** Resolves once the store is open and the collector SERVING (start resolves before that). */
  readonly serving: Promise<void>;
  /** Node readiness from the Kubernetes API (NO_READINESS without a cluster), for the classifier. */
  readonly readiness: ReadinessSource;
  /** Stops accepting, lets streams end, flushes and closes the store. */
  stop(): Promise<void>;
}

function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

function shutdownGrpc(server: GrpcServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function setHealth(health: HealthImplementation, status: 'SERVING' | 'NOT_SERVING'): void {
  for (const service of HEALTH_SERVICES) health.setStatus(service, status);
}

/**
 * Starts the collector: gRPC first (health NOT_SERVING), then HTTP, then the store in the background; once
 * the store is open and the board loaded, health turns SERVING. Throws StartupError when a port cannot be
 * bound; a store that will not open rejects `serving` with one.
 */
export async function startCollector(
  config: CollectorConfig,
  logger: Logger,
  hooks: CollectorHooks = {},
): Promise<RunningCollector> {
  const now = hooks.now ?? Date.now;
  const runbooks = loadRunbookPages(hooks.runbookDirectory ?? bundledRunbookDirectory());
  const state = new CollectorState();
  const readinessRelay = new ReadinessRelay();
  const board = new DiagnosisBoard({
    now,
    readiness: hooks.readiness ?? readinessRelay,
    fleet: { share: config.diagnosis.fleetShare, minNodes: config.diagnosis.fleetMinNodes },
    eventWindowMs: config.diagnosis.eventWindowMs,
    clockSkew: {
      warningMs: config.diagnosis.clockSkewWarningMs,
      criticalMs: config.diagnosis.clockSkewCriticalMs,
    },
  });
  const metrics = createCollectorMetrics(board, config.dataDir);
  const streams = new StreamRegistry<ReportSession>();
  const watchers = new WatchRegistry();
  // Before the servers: a start-up failure below must stop it again (see the catch blocks).
  const kubernetes = startKubernetes({
    kubernetes: config.kubernetes,
    externalUrl: config.externalUrl,
    board,
    metrics: metrics.kubernetes,
    logger,
    now,
    watcher: hooks.kubernetesWatch,
  });
  readinessRelay.connect(kubernetes.readiness);
  const alerts =
    config.alertmanager &&
    new AlertPusher({
      source: board,
      config: config.alertmanager,
      externalUrl: config.externalUrl,
      metrics: metrics.alerting,
      logger,
      now,
    });

  const grpcAddress = formatListenAddress(config.grpcListen);
  let grpc: Awaited<ReturnType<typeof startGrpcServer>>;
  try {
    grpc = await startGrpcServer({
      listen: config.grpcListen,
      tls: config.tls,
      idleConnectionMs: hooks.idleConnectionMs,
      agentService: {
        Report: (call) =>
          new ReportSession(call, {
            state,
            board,
            metrics: metrics.ingest,
            streams,
            logger,
            mtls: config.tls !== undefined,
            now,
          }).start(),
      },
      queryService: queryServiceHandlers({
        state,
        board,
        logger,
        now,
        watchers,
        watchersGauge: metrics.watchers,
      }),
    });
  } catch (error) {
    await kubernetes.stop();
    const reason = describeListenError(error);
    throw new StartupError(
      config.tls && !reason.includes('address')
        ? `cannot serve gRPC with TLS on ${grpcAddress}: ${reason}`
        : `cannot listen for gRPC on ${grpcAddress}: ${reason}`,
    );
  }
  state.grpcStarted();

  const assets = DashboardAssets.load();
  if (assets.problem !== undefined) logger.warn({ problem: assets.problem }, 'dashboard unavailable');
  let http: HttpServer;
  let httpPort: number;
  try {
    ({
      server: http,
      address: { port: httpPort },
    } = await startHttpServer(config.httpListen, {
      state,
      registry: metrics.registry,
      now,
      version: VERSION,
      runbooks,
      logger,
      assets,
      events: {
        state,
        board,
        watchers,
        metrics: metrics.eventStreams,
        logger,
        maxStreams: hooks.maxEventStreams,
        heartbeatMs: hooks.eventHeartbeatMs,
      },
    }));
  } catch (error) {
    grpc.server.forceShutdown();
    await kubernetes.stop();
    throw new StartupError(
      `cannot listen for HTTP on ${formatListenAddress(config.httpListen)}: ${describeListenError(error)}`,
    );
  }
  logger.info(
    {
      grpc: formatListenAddress({ host: config.grpcListen.host, port: grpc.port }),
      http: formatListenAddress({ host: config.httpListen.host, port: httpPort }),
      dataDir: config.dataDir,
      mtls: config.tls !== undefined,
      version: VERSION,
    },
    'collector listening',
  );

  const timers: NodeJS.Timeout[] = [];
  let store: NodeStore | undefined;
  const prune = async (opened: NodeStore) => {
    const cutoff = now() - config.retentionMs;
    try {
      const deleted = await opened.prune(cutoff);
      metrics.prunedEntries.inc(deleted);
      const forgotten = board.forget(cutoff);
      if (forgotten.length > 0) alerts?.changed();
      if (deleted > 0 || forgotten.length > 0) logger.info({ deleted, forgotten }, 'retention pruned');
    } catch (error) {
      if (!state.shuttingDown) logger.error({ err: error }, 'retention prune failed');
    }
  };

  const serving = (async () => {
    try {
      store = await (
        hooks.openStore ??
        (async (dir: string) => {
          const sqlite = SqliteStore.open(dir, {
            onFlush: metrics.store.onFlush,
            onCheckpoint: (info) => {
              metrics.store.onCheckpoint(info);
              if (info.error !== undefined) logger.warn({ error: info.error }, 'store checkpoint failed');
            },
          });
          // Not ready (nor SERVING) before the writer thread can commit: every ingest would fail.
          await sqlite.ready().catch(async (error: unknown) => {
            await sqlite.close().catch(() => undefined);
            throw error;
          });
          return sqlite;
        })
      )(config.dataDir);
      board.load(await store.listNodes());
    } catch (error) {
      throw new StartupError(
        `cannot open the store: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const opened = store;
    const views = new NodeViews(opened, board);
    state.storeOpened({ store: opened, views });
    setHealth(grpc.health, 'SERVING');
    logger.info({ nodes: board.entries().length }, 'store open; serving');
    alerts?.start();
    views.seedAll().catch((error: unknown) => logger.warn({ err: error }, 'rebuilding finding runs failed'));
    timers.push(setInterval(() => board.sweep(), SWEEP_INTERVAL_MS).unref());
    timers.push(setInterval(() => void prune(opened), PRUNE_INTERVAL_MS).unref());
    void prune(opened);
  })();
  // Observed here so a failure is not an unhandled rejection when the caller awaits it later.
  serving.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    state.shutdownStarted();
    setHealth(grpc.health, 'NOT_SERVING');
    for (const timer of timers) clearInterval(timer);
    board.close();
    const alertsStopped = alerts?.stop();
    const grpcDone = shutdownGrpc(grpc.server, SHUTDOWN_GRACE_MS);
    watchers.endAll();
    // Bounded like the gRPC shutdown: a stream stuck in a store call must not hold the process forever.
    await Promise.race([streams.drainAll(), grpcDone]);
    await grpcDone;
    await serving.catch(() => undefined);
    if (store) await store.close();
    await kubernetes.stop();
    await closeHttp(http);
    await alertsStopped;
  };

  return {
    grpcPort: grpc.port,
    httpPort,
    metrics,
    serving,
    readiness: kubernetes.readiness,
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
