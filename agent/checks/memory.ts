import { formatBytes, formatRatio } from '../../common/bytes.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** MemAvailable under the eviction threshold (critical) and PSI memory "full" (warning). */
export const memoryChecks: Check = ({ memory }, t) => {
  if (memory.status !== 'ok') return [];
  const findings = [];
  const limit = t['memory-available-bytes'];
  if (memory.availableBytes < limit) {
    findings.push(
      finding(
        'memory-available',
        'critical',
        `Only ${formatBytes(memory.availableBytes)} of ${formatBytes(memory.totalBytes)} memory available, below ${formatBytes(limit)}: the kubelet evicts pods at this level.`,
        memory.availableBytes,
        limit,
      ),
    );
  }
  const full = memory.pressure?.full?.avg10Ratio;
  const psiLimit = t['memory-psi-full-ratio'];
  if (full !== undefined && full >= psiLimit) {
    findings.push(
      finding(
        'memory-psi',
        'warning',
        `All non-idle tasks were stalled on memory ${formatRatio(full)} of the last 10 s (PSI full), at or above ${formatRatio(psiLimit)}: the node is thrashing.`,
        full,
        psiLimit,
      ),
    );
  }
  return findings;
};
