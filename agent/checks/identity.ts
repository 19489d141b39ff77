import { formatDuration } from '../../common/duration.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** A changed boot id, or (with no record of the previous one) a recent boot. */
export const identityChecks: Check = ({ identity }, t) => {
  if (identity.status !== 'ok') return [];
  if (identity.bootIdChanged) {
    return [
      finding(
        'boot-id',
        'warning',
        `The node rebooted: boot id changed from ${identity.previousBootId} to ${identity.bootId}, up for ${formatDuration(identity.uptimeSeconds * 1000)}.`,
        identity.uptimeSeconds,
        null,
      ),
    ];
  }
  const recent = t['recent-boot-seconds'];
  if (identity.previousBootId === null && identity.uptimeSeconds < recent) {
    return [
      finding(
        'boot-id',
        'info',
        `The node booted ${formatDuration(identity.uptimeSeconds * 1000)} ago (boot id ${identity.bootId}).`,
        identity.uptimeSeconds,
        recent,
      ),
    ];
  }
  return [];
};
