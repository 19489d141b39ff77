import type { ChannelCredentials, Client } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Hello } from '../../proto/gen/nodedoc/v1/Hello.js';
import { backoffDelayMs } from './backoff.js';
import { linkChannelOptions } from './channel-options.js';
import type { LinkCodec } from './link-codec.js';
import type { LinkObserver } from './link-observer.js';
import type { LinkTuning } from './link-tuning.js';
import { ReportStream, type StreamOutcome } from './report-stream.js';
import type { Spool } from './spool.js';

type Grpc = typeof import('@grpc/grpc-js');

/** grpc.status.INVALID_ARGUMENT: how the collector refuses a batch it will not store (and tells why). */
const STATUS_INVALID_ARGUMENT = 3;

export interface CollectorLinkOptions {
  readonly grpc: Grpc;
  /** HOST:PORT of the collector. */
  readonly target: string;
  readonly credentials: ChannelCredentials;
  readonly spool: Spool;
  readonly codec: LinkCodec;
  /** The Hello for the next stream (the boot id and interval may have changed since the last). */
  readonly hello: () => Hello;
  readonly intervalMs: () => number;
  readonly onSettings: (intervalMs: number) => void;
  readonly logger: Logger;
  readonly observer: LinkObserver;
  readonly tuning: LinkTuning;
}

/**
 * The agent's link to the collector: ONE grpc-js client (one channel, one HTTP/2 connection) for the
 * agent's life, and on it one Report stream at a time. When a stream ends — collector gone, frozen
 * (keepalive), silent (watchdog) — the next one is opened after a jittered exponential backoff, reset
 * once a stream stayed up for a healthy while. The spool holds everything meanwhile; each new stream
 * replays what the collector's Welcome says it lacks.
 *
 * Logs one line per transition: up, down (with the reason), and "unreachable" once when the first
 * attempts fail; the attempts in between are debug lines.
 */
export class CollectorLink {
  private readonly client: Client;
  private stream: ReportStream | undefined;
  private running: Promise<void> | undefined;
  private closing = false;
  private cancelSleep: (() => void) | undefined;
  private isUp = false;
  /** Set by flush(): reconnect without the accumulated backoff. */
  private flushing = false;
  private readonly progressWaiters = new Set<() => void>();
  /**
   * Set when the collector refused a batch: until the spool is released through this sequence, reports go
   * one at a time, so the next refusal names the one report at fault (see settle()).
   */
  private isolateThrough: bigint | undefined;

  constructor(private readonly options: CollectorLinkOptions) {
    this.client = new options.grpc.Client(
      options.target,
      options.credentials,
      linkChannelOptions(options.tuning),
    );
  }

  get up(): boolean {
    return this.isUp;
  }

  /** Starts connecting (once). */
  start(): void {
    this.running ??= this.run();
  }

  /** A report was added to the spool. */
  notify(): void {
    this.stream?.notify();
  }

  /**
   * Waits until the collector acknowledged everything in the spool, at most `timeoutMs`. Resolves true
   * when nothing is left unacknowledged.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const { spool } = this.options;
    const deadline = performance.now() + timeoutMs;
    // Shutting down with reports unsent: waiting out a long backoff would waste the grace period, so
    // retry now and from the first step of the backoff.
    this.flushing = true;
    this.cancelSleep?.();
    if (spool.pendingReports > 0) this.start();
    while (spool.pendingReports > 0 && !this.closing) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      let waiter: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        waiter = resolve;
        this.progressWaiters.add(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      if (waiter) this.progressWaiters.delete(waiter);
    }
    return spool.pendingReports === 0;
  }

  /** Ends the stream and closes the channel. */
  async close(): Promise<void> {
    this.closing = true;
    this.cancelSleep?.();
    this.stream?.stop('the agent is shutting down');
    await this.running;
    this.client.close();
    for (const waiter of this.progressWaiters) waiter();
  }

  private async run(): Promise<void> {
    const { grpc, tuning, logger, observer, spool, target } = this.options;
    const statusNames = grpc.status as unknown as Record<number, string>;
    /** Streams that ended without a healthy while up, in a row: the backoff exponent. */
    let failures = 0;
    /** Whether the current outage was logged (at warn) already. */
    let outageLogged = false;
    let downSince = performance.now();
    /** Streams opened since the link was last up (for the log). */
    let attempts = 0;
    let opened = 0;
    while (!this.closing) {
      if (opened > 0) observer.reconnecting();
      opened += 1;
      attempts += 1;
      const stream = new ReportStream({
        client: this.client,
        metadata: () => new grpc.Metadata(),
        statusNames,
        codec: this.options.codec,
        spool,
        tuning,
        hello: this.options.hello(),
        intervalMs: this.options.intervalMs,
        observer,
        logger,
        onUp: (stored) => {
          this.isUp = true;
          observer.linkUp(true);
          logger.info(
            {
              collector: target,
              epoch: spool.epoch,
              collectorStored: stored.toString(),
              replaying: spool.pendingReports,
              attempts,
              downSeconds: Math.round((performance.now() - downSince) / 1_000),
            },
            'collector link up',
          );
          attempts = 0;
          outageLogged = false;
        },
        onSettings: this.options.onSettings,
        onProgress: () => {
          for (const waiter of this.progressWaiters) waiter();
        },
        isolating: () => this.isolating(),
      });
      this.stream = stream;
      if (this.closing) stream.stop('the agent is shutting down');
      const outcome = await stream.ended;
      this.stream = undefined;
      await this.settleRefusal(outcome);
      const wasUp = outcome.upAtMs !== undefined;
      if (wasUp) {
        this.isUp = false;
        observer.linkUp(false);
        downSince = performance.now();
        if (performance.now() - (outcome.upAtMs ?? 0) >= tuning.healthyAfterMs) failures = 0;
      }
      if (this.closing) break;
      if (this.flushing) failures = 0;
      const delayMs = backoffDelayMs(tuning.backoff, failures, tuning.random);
      failures += 1;
      const fields = {
        collector: target,
        reason: outcome.reason,
        pending: spool.pendingReports,
        retryInMs: delayMs,
      };
      if (wasUp) {
        logger.warn(fields, 'collector link down; spooling and reconnecting');
        outageLogged = true;
      } else if (!outageLogged) {
        logger.warn(fields, 'collector unreachable; spooling and retrying with backoff');
        outageLogged = true;
      } else {
        logger.debug({ ...fields, attempts }, 'collector still unreachable');
      }
      await this.sleep(delayMs);
    }
  }

  private isolating(): boolean {
    if (this.isolateThrough === undefined) return false;
    if (this.options.spool.releasedSequence < this.isolateThrough) return true;
    this.isolateThrough = undefined;
    this.options.logger.info(
      'every report the collector refused was found and dropped; sending batches again',
    );
    return false;
  }

  /**
   * A collector that refuses a batch (INVALID_ARGUMENT after its Welcome: a report it will never store, say
   * from a newer agent during a rollout) would refuse it again on every stream, and everything spooled after
   * it would wait forever. So: a refused batch of several reports makes the link resend them one at a time;
   * a refused single report (sent alone, everything before it acknowledged) is dropped, counted and logged,
   * and the collector counts it as a gap. Nothing else is ever dropped this way.
   */
  private async settleRefusal(outcome: StreamOutcome): Promise<void> {
    const { unacked } = outcome;
    if (outcome.code !== STATUS_INVALID_ARGUMENT || outcome.upAtMs === undefined || unacked === undefined) {
      return;
    }
    const { spool, logger, observer } = this.options;
    if (unacked.first === unacked.last && this.isolating()) {
      const released = await spool.ack(unacked.last);
      observer.rejected(released);
      logger.error(
        { epoch: spool.epoch, sequence: unacked.last.toString(), reason: outcome.reason },
        'the collector refused a report as invalid; dropped it (the collector counts it as a gap)',
      );
      return;
    }
    if (this.isolateThrough === undefined || unacked.last > this.isolateThrough)
      this.isolateThrough = unacked.last;
    logger.warn(
      {
        first: unacked.first.toString(),
        last: unacked.last.toString(),
        reason: outcome.reason,
      },
      'the collector refused a batch as invalid; resending its reports one at a time to find the one at fault',
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelSleep = done;
    });
  }
}
