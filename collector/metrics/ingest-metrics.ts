import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ErrorCode } from '../errors.js';

/** Why a Report stream was ended by the collector: the catalog codes a stream can end with. */
export const STREAM_END_REASONS = [
  'HELLO_REQUIRED',
  'UNEXPECTED_HELLO',
  'EMPTY_MESSAGE',
  'INVALID_HELLO',
  'INVALID_BATCH',
  'NODE_IDENTITY_MISMATCH',
  'NO_CERTIFICATE_IDENTITY',
  'STREAM_SUPERSEDED',
  'EPOCH_CHANGED',
  'NOT_READY',
  'SHUTTING_DOWN',
  'INTERNAL',
] as const satisfies readonly ErrorCode[];
export type StreamEndReason = (typeof STREAM_END_REASONS)[number];

/** The reason label: the catalog code in kebab case ("INVALID_BATCH" -> "invalid-batch"). */
export function reasonLabel(code: ErrorCode): string {
  return code.toLowerCase().replaceAll('_', '-');
}

/**
 * Arrival of a batch to its commit (what an agent waits for its ack). Sub-millisecond for a single report
 * on a quiet store; a long tail means the disk or the event loop is behind.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface IngestMetrics {
  readonly streamsConnected: Gauge;
  readonly reportsReceived: Counter;
  readonly reportsStored: Counter;
  readonly reportDuplicates: Counter;
  readonly reportGaps: Counter;
  readonly streamsRejected: Counter<'reason'>;
  readonly ingestLatency: Histogram;
}

export function registerIngestMetrics(registry: Registry): IngestMetrics {
  const streamsRejected = new Counter({
    name: 'nodedoc_collector_streams_rejected_total',
    help: 'Agent streams the collector ended with an error status, by reason (the error code in kebab case).',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Every reason from zero, so rate() sees the first one.
  for (const reason of STREAM_END_REASONS) streamsRejected.inc({ reason: reasonLabel(reason) }, 0);
  return {
    streamsConnected: new Gauge({
      name: 'nodedoc_collector_streams_connected',
      help: 'Agent streams open now (after a valid hello).',
      registers: [registry],
    }),
    reportsReceived: new Counter({
      name: 'nodedoc_collector_reports_received_total',
      help: 'Reports received in valid batches, stored or not.',
      registers: [registry],
    }),
    reportsStored: new Counter({
      name: 'nodedoc_collector_reports_stored_total',
      help: 'Reports newly stored.',
      registers: [registry],
    }),
    reportDuplicates: new Counter({
      name: 'nodedoc_collector_report_duplicates_total',
      help: 'Reports received again after they were stored (replays), not stored twice.',
      registers: [registry],
    }),
    reportGaps: new Counter({
      name: 'nodedoc_collector_report_gaps_total',
      help: 'Sequences that never arrived (skipped by an agent), counted once.',
      registers: [registry],
    }),
    streamsRejected,
    ingestLatency: new Histogram({
      name: 'nodedoc_collector_ingest_latency_seconds',
      help: 'Time from a batch arriving to its reports being committed and queryable, seconds.',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}
