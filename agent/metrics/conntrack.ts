import type { MetricsContext } from './metrics-context.js';

// PLACEHOLDER: replaced by the real metrics in this session.
export function registerConntrackMetrics(_context: MetricsContext): void {}
