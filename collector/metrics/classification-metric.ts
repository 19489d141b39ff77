import { Histogram, type Registry } from 'prom-client';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';

/**
 * Buckets from 10 µs to 25 ms: one classification is sub-millisecond work on the ingest path (a few
 * findings, a table of relations), so the interesting resolution is in microseconds, and anything past a
 * few milliseconds is a regression worth seeing.
 */
export const CLASSIFICATION_BUCKETS_SECONDS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
];

/** nodedoc_classification_duration_seconds: time to re-judge one node (each report, sweep or readiness change). */
export function registerClassificationMetric(registry: Registry, board: DiagnosisBoard): void {
  const histogram = new Histogram({
    name: 'nodedoc_classification_duration_seconds',
    help: "Time to classify one node's diagnosis (on each report, silence sweep, readiness or fleet change).",
    buckets: CLASSIFICATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  board.timeClassifications((seconds) => histogram.observe(seconds));
}
