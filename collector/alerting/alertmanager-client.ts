import type { AlertmanagerTarget } from './alertmanager-target.js';
import type { PostableAlert } from './postable-alert.js';

/** An error answer's body is quoted up to this many characters: enough for Alertmanager's validation message. */
const ERROR_BODY_CHARS = 300;

/**
 * POSTs alerts to one Alertmanager's v2 API. Resolves when it answered 2xx; throws with the status and the
 * start of its answer otherwise, or when `signal` aborts (timeout, shutdown) or the connection fails.
 */
export async function postAlerts(
  target: AlertmanagerTarget,
  alerts: readonly PostableAlert[],
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(target.alertsUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(target.authorization ? { authorization: target.authorization } : {}),
    },
    body: JSON.stringify(alerts),
    signal,
  });
  // Read to the end either way, so the connection goes back to the pool.
  const text = await response.text();
  if (!response.ok) {
    const excerpt = text.trim().slice(0, ERROR_BODY_CHARS);
    throw new Error(`HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`);
  }
}
