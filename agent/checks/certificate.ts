import { formatDuration } from '../../common/duration.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** Kubelet client certificate close to or past notAfter. */
export const certificateChecks: Check = ({ certificate }, t) => {
  if (certificate.status !== 'ok') return [];
  const warning = t['certificate-warning-seconds'];
  const left = certificate.expiresInSeconds;
  if (left <= 0) {
    return [
      finding(
        'kubelet-certificate',
        'critical',
        `The kubelet client certificate ${certificate.path} expired at ${certificate.notAfter}: the kubelet can no longer authenticate to the API server.`,
        left,
        0,
      ),
    ];
  }
  if (left < warning) {
    return [
      finding(
        'kubelet-certificate',
        'warning',
        `The kubelet client certificate ${certificate.path} expires in ${formatDuration(left * 1000)} (${certificate.notAfter}); rotation should have renewed it by now.`,
        left,
        warning,
      ),
    ];
  }
  return [];
};
