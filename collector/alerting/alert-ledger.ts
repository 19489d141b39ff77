import type { DesiredAlert } from './desired-alerts.js';
import type { PostableAlert } from './postable-alert.js';

interface FiringAlert {
  alert: DesiredAlert;
  /** Unix ms; never later than when the ledger first saw the alert. */
  startsAtMs: number;
}

/** What changed when the ledger took in the alerts now desired. */
export interface LedgerChange {
  /** Alerts that fired before and no longer do, as their resolve (endsAt = now). */
  readonly resolved: ReadonlyArray<[key: string, alert: PostableAlert]>;
  /** Keys firing now that were not firing before. */
  readonly started: readonly string[];
}

/**
 * The alerts the collector has told Alertmanager are firing, with when each started. Taking in a new desired set
 * yields what started and what resolved; the firing set renders with a fresh endsAt on every send.
 */
export class AlertLedger {
  private readonly alerts = new Map<string, FiringAlert>();

  update(desired: ReadonlyMap<string, DesiredAlert>, nowMs: number): LedgerChange {
    const resolved: Array<[string, PostableAlert]> = [];
    for (const [key, firing] of this.alerts) {
      if (desired.has(key)) continue;
      this.alerts.delete(key);
      resolved.push([key, render(firing, nowMs)]);
    }
    const started: string[] = [];
    for (const [key, alert] of desired) {
      // Evidence times come from the agent's clock: one running ahead must not put startsAt after endsAt,
      // which Alertmanager rejects.
      const evidenceStart = Math.min(alert.startedAtMs ?? nowMs, nowMs);
      const known = this.alerts.get(key);
      if (known) {
        known.alert = alert;
        // After a restart the first evidence seen is the latest report's; the rebuilt runs go further back.
        known.startsAtMs = Math.min(known.startsAtMs, evidenceStart);
      } else {
        this.alerts.set(key, { alert, startsAtMs: evidenceStart });
        started.push(key);
      }
    }
    return { resolved, started };
  }

  get size(): number {
    return this.alerts.size;
  }

  /** The firing alerts (all, or those of `keys`), each valid until `endsAtMs` unless re-sent. */
  firing(endsAtMs: number, keys?: Iterable<string>): Array<[string, PostableAlert]> {
    const chosen =
      keys === undefined
        ? [...this.alerts.entries()]
        : [...keys].flatMap((key) => {
            const firing = this.alerts.get(key);
            return firing ? [[key, firing] as [string, FiringAlert]] : [];
          });
    return chosen.map(([key, firing]) => [key, render(firing, endsAtMs)]);
  }
}

function render(firing: FiringAlert, endsAtMs: number): PostableAlert {
  return {
    labels: firing.alert.labels,
    annotations: firing.alert.annotations,
    startsAt: new Date(firing.startsAtMs).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    generatorURL: firing.alert.generatorURL,
  };
}
