import { formatBytes } from '../../common/bytes.js';
import type { Check } from './check.js';
import { finding } from './check.js';
import { describeStall, stallRatio } from './pressure-share.js';

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
  const full = memory.pressure?.full;
  const fullRatio = full ? stallRatio(full) : undefined;
  const psiLimit = t['memory-psi-full-ratio'];
  if (full && fullRatio !== undefined && fullRatio >= psiLimit) {
    const stall = describeStall(full, memory.pressure?.intervalSeconds ?? null, 'PSI memory full', psiLimit);
    findings.push(
      finding(
        'memory-psi',
        'warning',
        `All non-idle tasks were stalled on memory ${stall}: the node is thrashing.`,
        fullRatio,
        psiLimit,
      ),
    );
  }
  return findings;
};
