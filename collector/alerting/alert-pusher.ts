import type { Logger } from 'pino';
import type { AlertmanagerConfig } from '../config/collector-config.js';
import type { BoardEntry, DiagnosisListener } from '../diagnosis/diagnosis-board.js';
import { AlertLedger } from './alert-ledger.js';
import type { AlertingMetrics } from './alerting-metrics.js';
import { AlertmanagerSender } from './alertmanager-sender.js';
import { desiredAlerts } from './desired-alerts.js';

/**
 * Prometheus' rule: an alert sent now is valid for four resend intervals. Three resends can fail (an
 * Alertmanager restart, a blip) before an alert expires; a collector that died stops re-sending, and its
 * alerts resolve by themselves within four intervals instead of firing forever.
 */
export const ALERT_LIFETIME_RESENDS = 4;
/**
 * Changes are pushed this long after the first of them, together with any that follow: a burst across a fleet
 * becomes one request. Alertmanager waits group_wait (30 s by default) before notifying anyway.
 */
export const CHANGE_DEBOUNCE_MS = 1_000;

/** What the pusher reads diagnoses from: the DiagnosisBoard. */
export interface DiagnosisSource {
  entries(): BoardEntry[];
  subscribe(listener: DiagnosisListener): () => void;
}

export interface AlertPusherOptions {
  readonly source: DiagnosisSource;
  readonly config: AlertmanagerConfig;
  /** Base of the runbook and generator URLs in alerts. */
  readonly externalUrl: URL;
  readonly metrics: AlertingMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly debounceMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * Keeps every configured Alertmanager in step with the board's active causes: one alert per cause (fleet causes
 * once), pushed shortly after a change and re-sent every resend interval; a cause that clears, or a node that is
 * forgotten, is sent once more as resolved. Sending happens on timers, never in the caller's path.
 */
export class AlertPusher {
  private readonly ledger = new AlertLedger();
  private readonly senders: AlertmanagerSender[];
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: AlertPusherOptions) {
    this.now = options.now ?? Date.now;
    const lifetimeMs = ALERT_LIFETIME_RESENDS * options.config.resendIntervalMs;
    this.senders = options.config.targets.map(
      (target) =>
        new AlertmanagerSender({
          target,
          firing: (keys) => this.ledger.firing(this.now() + lifetimeMs, keys),
          metrics: options.metrics,
          logger: options.logger,
          now: this.now,
          retryMaxMs: options.config.resendIntervalMs,
          requestTimeoutMs: options.requestTimeoutMs,
          onDelivered: () => this.updateGauges(),
        }),
    );
  }

  /** Listens to the board, pushes the current state at once and then every resend interval. */
  start(): void {
    // The collector may be stopped before its store opened, which is when it starts the pusher.
    if (this.stopped) return;
    this.unsubscribe = this.options.source.subscribe(() => this.changed());
    this.resend();
    this.resendTimer = setInterval(() => this.resend(), this.options.config.resendIntervalMs);
    this.resendTimer.unref();
  }

  /** Something changed that the board does not announce (nodes forgotten): pushes soon. */
  changed(): void {
    if (this.stopped || this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.reconcile();
      for (const sender of this.senders) sender.push(false);
    }, this.options.debounceMs ?? CHANGE_DEBOUNCE_MS);
    this.debounceTimer.unref();
  }

  /** Stops listening and sending; aborts requests in flight. Sends nothing new (alerts expire at their endsAt). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.resendTimer);
    clearTimeout(this.debounceTimer);
    await Promise.all(this.senders.map((sender) => sender.stop()));
  }

  private resend(): void {
    if (this.stopped) return;
    this.reconcile();
    for (const sender of this.senders) sender.push(true);
  }

  private reconcile(): void {
    const desired = desiredAlerts(this.options.source.entries(), this.options.externalUrl);
    const change = this.ledger.update(desired, this.now());
    for (const sender of this.senders) {
      for (const [key, alert] of change.resolved) sender.queueResolved(key, alert);
      for (const key of change.started) sender.queueStarted(key);
    }
    this.updateGauges();
  }

  private updateGauges(): void {
    const resolving = new Set(this.senders.flatMap((sender) => [...sender.pendingResolves()]));
    this.options.metrics.alerts.set({ state: 'firing' }, this.ledger.size);
    this.options.metrics.alerts.set({ state: 'resolving' }, resolving.size);
  }
}
