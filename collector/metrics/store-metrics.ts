import { Counter, Histogram, type Registry } from 'prom-client';
import type { CheckpointInfo } from '../store/checkpointer.js';
import type { FlushInfo } from '../store/write-batcher.js';

/** A group commit takes milliseconds; tens of milliseconds mean the disk is the bottleneck. */
const COMMIT_SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Rows per group commit: 1 when idle, up to the batcher's row limit under load. */
const COMMIT_ROWS_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 1000];
/** A checkpoint copies the WAL into the database and fsyncs: slower, and off the event loop. */
const CHECKPOINT_SECONDS_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.25, 1, 2.5, 10];

export interface StoreMetricHooks {
  readonly onFlush: (info: FlushInfo) => void;
  readonly onCheckpoint: (info: CheckpointInfo) => void;
}

/**
 * The embedded store's write path: group commits (how many, how big, how long, failures) and WAL
 * checkpoints. Returned as the store's hooks, so the store itself knows nothing about Prometheus.
 */
export function registerStoreMetrics(registry: Registry): StoreMetricHooks {
  const commits = new Counter({
    name: 'nodedoc_collector_store_commits_total',
    help: 'Group commits of the store, by result (ok, failed): each holds the reports of many streams.',
    labelNames: ['result'],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'nodedoc_collector_store_commit_duration_seconds',
    help: 'Time one group commit took on the writer thread, from handing it over to its commit.',
    buckets: COMMIT_SECONDS_BUCKETS,
    registers: [registry],
  });
  const commitRows = new Histogram({
    name: 'nodedoc_collector_store_commit_rows',
    help: 'Rows handled by one group commit (a node row per hello, a row per report submitted).',
    buckets: COMMIT_ROWS_BUCKETS,
    registers: [registry],
  });
  const checkpoints = new Counter({
    name: 'nodedoc_collector_store_checkpoints_total',
    help: 'WAL checkpoints, by result (ok, failed).',
    labelNames: ['result'],
    registers: [registry],
  });
  const checkpointSeconds = new Histogram({
    name: 'nodedoc_collector_store_checkpoint_duration_seconds',
    help: 'Time one WAL checkpoint took.',
    buckets: CHECKPOINT_SECONDS_BUCKETS,
    registers: [registry],
  });
  for (const result of ['ok', 'failed']) {
    commits.inc({ result }, 0);
    checkpoints.inc({ result }, 0);
  }
  return {
    onFlush(info) {
      commits.inc({ result: info.failed ? 'failed' : 'ok' });
      if (info.failed) return;
      commitSeconds.observe(info.durationSeconds);
      commitRows.observe(info.rows);
    },
    onCheckpoint(info) {
      checkpoints.inc({ result: info.error === undefined ? 'ok' : 'failed' });
      checkpointSeconds.observe(info.durationSeconds);
    },
  };
}
