import { sampleValue, scrape } from './scrape.js';

/**
 * The collector's own account of a run, from two scrapes of its /metrics: reports it stored, gaps and
 * duplicates it counted (both must stay 0 under the simulated fleet, which never skips or repeats a
 * sequence), and its ingest latency histogram (a batch's arrival to its commit), to tell the store's share
 * of the write-to-ack time from the network's and the generator's.
 */
export interface CollectorFigures {
  readonly atMs: number;
  readonly stored: number;
  readonly gaps: number;
  readonly duplicates: number;
  /** Cumulative counts of nodedoc_collector_ingest_latency_seconds by upper bound (seconds), ascending. */
  readonly latencyBuckets: readonly (readonly [number, number])[];
}

const BUCKET_LINE = /^nodedoc_collector_ingest_latency_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm;

export async function scrapeCollectorFigures(httpBase: string): Promise<CollectorFigures> {
  const text = await scrape(`${httpBase}/metrics`);
  const latencyBuckets = [...text.matchAll(BUCKET_LINE)]
    .map(([, le, count]) => [le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(count)] as const)
    .sort((a, b) => a[0] - b[0]);
  return {
    atMs: performance.now(),
    stored: sampleValue(text, 'nodedoc_collector_reports_stored_total') ?? Number.NaN,
    gaps: sampleValue(text, 'nodedoc_collector_report_gaps_total') ?? Number.NaN,
    duplicates: sampleValue(text, 'nodedoc_collector_report_duplicates_total') ?? Number.NaN,
    latencyBuckets,
  };
}

/** What happened between two scrapes. */
export interface CollectorDelta {
  readonly storedPerSecond: number;
  readonly gaps: number;
  readonly duplicates: number;
  /** The upper bound of the histogram bucket holding the 99th percentile of ingest latency, ms. */
  readonly ingestP99AtMostMs: number;
}

export function collectorDelta(before: CollectorFigures, after: CollectorFigures): CollectorDelta {
  const counts = after.latencyBuckets.map(
    ([le, count], index) => [le, count - (before.latencyBuckets[index]?.[1] ?? 0)] as const,
  );
  const total = counts.at(-1)?.[1] ?? 0;
  const p99Bucket = counts.find(([, count]) => count >= total * 0.99);
  return {
    storedPerSecond: ((after.stored - before.stored) * 1_000) / (after.atMs - before.atMs),
    gaps: after.gaps - before.gaps,
    duplicates: after.duplicates - before.duplicates,
    ingestP99AtMostMs: total > 0 && p99Bucket ? p99Bucket[0] * 1_000 : Number.NaN,
  };
}
