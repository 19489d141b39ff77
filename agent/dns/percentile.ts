/**
 * Nearest-rank percentile (the smallest value with at least p of the values at or below it): always an
 * observed latency, never an interpolation between two, and well defined for a handful of samples.
 * `sorted` must be ascending; undefined when empty.
 */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1];
}
