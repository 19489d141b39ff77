import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * From a loopback round trip (milliseconds) to the request timeout (10 s): where a healthy, a loaded and a
 * hanging Alertmanager fall apart from each other.
 */
const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The Alertmanager pusher's metrics; registered whether or not --alertmanager-url is given. */
export interface AlertingMetrics {
  /** POST requests by Alertmanager and result (success, failure). */
  readonly notifications: Counter<'alertmanager' | 'result'>;
  /** Alerts the collector holds by state: firing (active causes), resolving (resolves not yet delivered). */
  readonly alerts: Gauge<'state'>;
  readonly latency: Histogram<'alertmanager'>;
  /** Resolves given up on because too many were waiting for an Alertmanager that stayed down. */
  readonly droppedResolves: Counter<'alertmanager'>;
}

export function registerAlertingMetrics(registry: Registry): AlertingMetrics {
  return {
    notifications: new Counter({
      name: 'nodedoc_alertmanager_notifications_total',
      help: 'POST /api/v2/alerts requests to each Alertmanager, by result (success, failure).',
      labelNames: ['alertmanager', 'result'],
      registers: [registry],
    }),
    alerts: new Gauge({
      name: 'nodedoc_alertmanager_alerts',
      help: 'Alerts the collector keeps Alertmanager told about, by state: firing (active causes) and resolving (resolves not yet delivered to every Alertmanager).',
      labelNames: ['state'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'nodedoc_alertmanager_latency_seconds',
      help: 'Duration of POST /api/v2/alerts requests to each Alertmanager, failed ones included.',
      labelNames: ['alertmanager'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    }),
    droppedResolves: new Counter({
      name: 'nodedoc_alertmanager_dropped_resolves_total',
      help: 'Resolved alerts dropped undelivered because too many queued for an Alertmanager that stayed down; they expire there at their endsAt.',
      labelNames: ['alertmanager'],
      registers: [registry],
    }),
  };
}
