import { Counter, Gauge, type Registry } from 'prom-client';

/** The dashboard's live feed (GET /api/v1/watch) as metrics: how many are open, how many were turned away. */
export interface EventStreamMetrics {
  readonly open: Gauge;
  readonly rejected: Counter;
}

export function registerEventStreamMetrics(registry: Registry): EventStreamMetrics {
  return {
    open: new Gauge({
      name: 'nodedoc_collector_event_streams',
      help: 'Server-sent event streams (GET /api/v1/watch) open now.',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'nodedoc_collector_event_streams_rejected_total',
      help: 'Event streams refused because the limit of open streams was reached.',
      registers: [registry],
    }),
  };
}
