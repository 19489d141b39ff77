import type { CauseIdString } from '../common/ids.js';
import { runbookPath } from './diagnosis/diagnosis.js';

/** The absolute URL of a cause's runbook on this collector, for links that leave it (Events, alerts). */
export function runbookUrl(externalUrl: URL, id: CauseIdString): string {
  // runbookPath is absolute ('/runbooks/…'); resolved relative so that a base with a path prefix keeps it.
  return new URL(runbookPath(id).slice(1), externalUrl).toString();
}
