import { formatRatio } from '../../common/bytes.js';
import type { Finding } from '../finding.js';
import type { Check } from './check.js';
import { finding } from './check.js';
import { describeStall, stallRatio } from './pressure-share.js';

/** A single slow request is not saturation: await is judged only on devices doing real work. */
const MIN_REQUESTS_PER_SECOND = 1;

/** PSI io "full" and per-disk await. */
export const ioChecks: Check = ({ io }, t) => {
  if (io.status !== 'ok') return [];
  const findings: Finding[] = [];
  const full = io.pressure?.full;
  const fullRatio = full ? stallRatio(full) : undefined;
  const psiLimit = t['io-psi-full-ratio'];
  if (full && fullRatio !== undefined && fullRatio >= psiLimit) {
    const stall = describeStall(full, io.pressure?.intervalSeconds ?? null, 'PSI io full', psiLimit);
    findings.push(
      finding('io-psi', 'warning', `All non-idle tasks were stalled on I/O ${stall}.`, fullRatio, psiLimit),
    );
  }
  const awaitLimit = t['disk-await-seconds'];
  for (const device of io.devices) {
    const busy = device.readsPerSecond + device.writesPerSecond >= MIN_REQUESTS_PER_SECOND;
    if (busy && device.awaitSeconds !== null && device.awaitSeconds > awaitLimit) {
      findings.push(
        finding(
          'disk-await',
          'warning',
          `${device.device}: requests take ${(device.awaitSeconds * 1000).toFixed(0)} ms on average (above ${(awaitLimit * 1000).toFixed(0)} ms) at ${formatRatio(device.utilizationRatio)} utilisation.`,
          device.awaitSeconds,
          awaitLimit,
          { subject: device.device },
        ),
      );
    }
  }
  return findings;
};
