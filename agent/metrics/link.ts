import { Counter, Gauge } from 'prom-client';
import type { LinkObserver } from '../link/link-observer.js';
import type { MetricsContext } from './metrics-context.js';

/**
 * The collector link and its spool. Registered whether or not --collector is given (then they stay 0),
 * so dashboards and alerts see the same families on every agent.
 */
export function registerLinkMetrics({ registry }: MetricsContext): LinkObserver {
  const up = new Gauge({
    name: 'nodedoc_agent_link_up',
    help: '1 while the stream to the collector is established (its Welcome received), else 0.',
    registers: [registry],
  });
  const reconnects = new Counter({
    name: 'nodedoc_agent_link_reconnects_total',
    help: 'Streams to the collector opened after the previous one ended or failed.',
    registers: [registry],
  });
  const sent = new Counter({
    name: 'nodedoc_agent_link_reports_sent_total',
    help: 'Reports written to the collector stream, replays after a reconnect included.',
    registers: [registry],
  });
  const acked = new Counter({
    name: 'nodedoc_agent_link_reports_acked_total',
    help: 'Reports the collector acknowledged as stored (and released from the spool).',
    registers: [registry],
  });
  const lastAck = new Gauge({
    name: 'nodedoc_agent_link_last_ack_timestamp_seconds',
    help: 'Unix time of the last acknowledgement from the collector; 0 before the first.',
    registers: [registry],
  });
  const spoolBytes = new Gauge({
    name: 'nodedoc_agent_spool_bytes',
    help: 'Bytes the report spool holds (on disk under --spool-dir, else in memory), record headers included.',
    registers: [registry],
  });
  const spoolReports = new Gauge({
    name: 'nodedoc_agent_spool_reports',
    help: 'Reports in the spool the collector has not acknowledged yet.',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'nodedoc_agent_spool_dropped_reports_total',
    help: 'Reports dropped unsent because the spool reached --spool-max-bytes (oldest first), or lost to a corrupt spool segment.',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'nodedoc_agent_link_reports_rejected_total',
    help: 'Reports the collector refused as invalid (INVALID_ARGUMENT) and the agent dropped so that the ones after them get through; each is a gap at the collector.',
    registers: [registry],
  });
  up.set(0);
  lastAck.set(0);
  return {
    linkUp: (value) => up.set(value ? 1 : 0),
    reconnecting: () => reconnects.inc(),
    sent: (reports) => sent.inc(reports),
    acked: (reports, atMs) => {
      if (reports > 0) acked.inc(reports);
      lastAck.set(atMs / 1_000);
    },
    size: (bytes, reports) => {
      spoolBytes.set(bytes);
      spoolReports.set(reports);
    },
    dropped: (reports) => dropped.inc(reports),
    rejected: (reports) => rejected.inc(reports),
  };
}
