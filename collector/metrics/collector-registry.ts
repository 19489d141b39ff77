import { Counter, Gauge, Registry } from 'prom-client';
import { registerProcessMetrics } from '../../common/metrics/process-metrics.js';
import { VERSION } from '../../common/version.js';
import { type AlertingMetrics, registerAlertingMetrics } from '../alerting/alerting-metrics.js';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { registerClassificationMetric } from './classification-metric.js';
import { type EventStreamMetrics, registerEventStreamMetrics } from './event-stream-metrics.js';
import { type IngestMetrics, registerIngestMetrics } from './ingest-metrics.js';
import { type KubernetesMetrics, registerKubernetesMetrics } from './kubernetes-metrics.js';
import { registerNodeCauseMetric } from './node-cause-metric.js';
import { registerNodeStatusMetric } from './node-status-metric.js';
import { registerStoreMetrics, type StoreMetricHooks } from './store-metrics.js';
import { registerStoreSizeMetric } from './store-size-metric.js';

/** The event-loop monitor's period: the collector is busy anyway, so its wake-ups cost nothing noticeable. */
const EVENT_LOOP_RESOLUTION_MS = 20;

export interface CollectorMetrics {
  readonly registry: Registry;
  readonly ingest: IngestMetrics;
  readonly watchers: Gauge;
  readonly eventStreams: EventStreamMetrics;
  readonly prunedEntries: Counter;
  /** To pass to the store: its commits and checkpoints as metrics. */
  readonly store: StoreMetricHooks;
  /** The Node watch and the Events posted (zero without a cluster). */
  readonly kubernetes: KubernetesMetrics;
  /** The Alertmanager pusher's (registered with or without --alertmanager-url). */
  readonly alerting: AlertingMetrics;
}

/** Every metric family of the collector on one registry. */
export function createCollectorMetrics(board: DiagnosisBoard, dataDir: string): CollectorMetrics {
  const registry = new Registry();
  registerProcessMetrics(registry, 'nodedoc_collector_', { eventLoopResolutionMs: EVENT_LOOP_RESOLUTION_MS });
  new Gauge({
    name: 'nodedoc_collector_info',
    help: 'Constant 1, labelled with the collector version.',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: VERSION }, 1);
  const ingest = registerIngestMetrics(registry);
  registerNodeStatusMetric(registry, board);
  registerNodeCauseMetric(registry, board);
  registerClassificationMetric(registry, board);
  registerStoreSizeMetric(registry, dataDir);
  const store = registerStoreMetrics(registry);
  const kubernetes = registerKubernetesMetrics(registry);
  const alerting = registerAlertingMetrics(registry);
  return {
    alerting,
    registry,
    ingest,
    store,
    eventStreams: registerEventStreamMetrics(registry),
    kubernetes,
    watchers: new Gauge({
      name: 'nodedoc_collector_watchers',
      help: 'WatchDiagnoses streams open now.',
      registers: [registry],
    }),
    prunedEntries: new Counter({
      name: 'nodedoc_collector_pruned_entries_total',
      help: 'Timeline entries deleted for being older than --retention.',
      registers: [registry],
    }),
  };
}
