import type { Diagnosis } from '../diagnosis/diagnosis.js';
import { runbookUrl } from '../runbook-url.js';

/** Every Event nodedoc writes has this reason: `kubectl get events --field-selector reason=NodedocDiagnosis`. */
export const EVENT_REASON = 'NodedocDiagnosis';
/** The Event's source.component and reportingComponent. */
export const EVENT_COMPONENT = 'nodedoc-collector';
/**
 * The events.k8s.io API caps an Event's note at 1 kB; core/v1 keeps the same bound in practice (kubectl
 * and dashboards show the message on one line), so longer messages are cut with an ellipsis.
 */
export const EVENT_MESSAGE_LIMIT = 1_024;

export type EventType = 'Warning' | 'Normal';

/** Warning while the node is anything but Ready; Normal when it is Ready (a recovery, or low-severity causes). */
export function eventTypeOf(diagnosis: Diagnosis): EventType {
  return diagnosis.status === 'Ready' ? 'Normal' : 'Warning';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * "<status>: <top cause> — <its summary> — runbook <absolute URL>", e.g.
 * "NotReady: kubelet-down — kubelet healthz failed 3 times in a row — runbook https://nodedoc.example.com/runbooks/kubelet-down".
 * A Ready node with no causes (a recovery) says so. An over-long summary is cut, never the runbook link.
 */
export function eventMessage(diagnosis: Diagnosis, externalUrl: URL): string {
  const top = diagnosis.causes[0];
  if (!top) return `${diagnosis.status}: no active cause — the node has recovered`;
  const head = `${diagnosis.status}: ${top.id} — `;
  const tail = ` — runbook ${runbookUrl(externalUrl, top.id)}`;
  let summary = oneLine(top.summary);
  const room = EVENT_MESSAGE_LIMIT - head.length - tail.length;
  if (summary.length > room) summary = `${summary.slice(0, Math.max(0, room - 1))}…`;
  return `${head}${summary}${tail}`;
}
