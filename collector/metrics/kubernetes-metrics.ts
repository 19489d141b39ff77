import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a watch of Nodes ended and was started again (the `reason` label of the restarts counter). */
export type WatchRestartReason = 'closed' | 'error' | 'expired' | 'stalled';
/** Why an Event was not posted (the `reason` label of the dropped counter). */
export type EventDropReason = 'node_rate' | 'global_rate' | 'backlog';

/** The Kubernetes side of the collector: the Node watch and the Events it posts. */
export interface KubernetesMetrics {
  /** 1 while Nodes are listed and a watch is open, else 0 (also 0 with no cluster). */
  readonly watchUp: Gauge;
  readonly watchRestarts: Counter<'reason'>;
  readonly relists: Counter;
  readonly nodes: Gauge;
  readonly eventsPosted: Counter<'type' | 'operation'>;
  readonly eventsDropped: Counter<'reason'>;
  readonly eventErrors: Counter<'operation'>;
}

export function registerKubernetesMetrics(registry: Registry): KubernetesMetrics {
  const registers = [registry];
  return {
    watchUp: new Gauge({
      name: 'nodedoc_kubernetes_watch_up',
      help: 'Whether the Node list/watch against the Kubernetes API server is established (1) or not (0, also when no cluster is configured).',
      registers,
    }),
    watchRestarts: new Counter({
      name: 'nodedoc_kubernetes_watch_restarts_total',
      help: 'Node watches started again, by why the previous one ended: closed (by the server), error, expired (410 Gone, relisted), stalled (no event or bookmark in time).',
      labelNames: ['reason'],
      registers,
    }),
    relists: new Counter({
      name: 'nodedoc_kubernetes_node_lists_total',
      help: 'Full lists of Nodes (at start, and after an expired resourceVersion or a failed watch).',
      registers,
    }),
    nodes: new Gauge({
      name: 'nodedoc_kubernetes_nodes',
      help: 'Nodes known from the Kubernetes API.',
      registers,
    }),
    eventsPosted: new Counter({
      name: 'nodedoc_kubernetes_events_posted_total',
      help: 'Kubernetes Events about a diagnosis written on Nodes, by type (Warning/Normal) and operation (create a new Event, patch the count of a repeated one).',
      labelNames: ['type', 'operation'],
      registers,
    }),
    eventsDropped: new Counter({
      name: 'nodedoc_kubernetes_events_dropped_total',
      help: 'Events not posted, by reason: node_rate (the node used its budget), global_rate (the fleet-wide cap), backlog (too many writes in flight).',
      labelNames: ['reason'],
      registers,
    }),
    eventErrors: new Counter({
      name: 'nodedoc_kubernetes_event_errors_total',
      help: 'Event writes the API server refused or that failed, by operation (create or patch).',
      labelNames: ['operation'],
      registers,
    }),
  };
}
