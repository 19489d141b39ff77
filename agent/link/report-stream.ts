import type { Client, ClientDuplexStream, Metadata, StatusObject } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { formatDuration } from '../../common/duration.js';
import type { CollectorMessage__Output } from '../../proto/gen/nodedoc/v1/CollectorMessage.js';
import type { Hello } from '../../proto/gen/nodedoc/v1/Hello.js';
import { type LinkCodec, REPORT_METHOD_PATH } from './link-codec.js';
import type { LinkObserver } from './link-observer.js';
import type { LinkTuning } from './link-tuning.js';
import { msFromDuration } from './proto-time.js';
import type { Spool } from './spool.js';

/** Batches whose send time is kept for the round trip to their ack (older ones are forgotten). */
const MAX_TRACKED_BATCHES = 64;
/** grpc.status.OK (grpc-js is loaded on demand, so its enum is not imported here). */
const STATUS_OK = 0;
/** How often the watchdog looks, as a share of its deadline. */
const WATCHDOG_CHECKS_PER_DEADLINE = 4;

export interface ReportStreamOptions {
  readonly client: Client;
  /** A new grpc-js Metadata (grpc-js is loaded on demand, so its classes are passed in). */
  readonly metadata: () => Metadata;
  /** grpc-js's status codes by number, for the log. */
  readonly statusNames: Readonly<Record<number, string>>;
  readonly codec: LinkCodec;
  readonly spool: Spool;
  readonly tuning: LinkTuning;
  readonly hello: Hello;
  /** The sampling interval now in force. */
  readonly intervalMs: () => number;
  readonly observer: LinkObserver;
  readonly logger: Logger;
  /** The Welcome arrived: the stream is up. */
  readonly onUp: (storedSequence: bigint) => void;
  readonly onSettings: (intervalMs: number) => void;
  /** An ack released reports (flush waits on this). */
  readonly onProgress: () => void;
  /**
   * True while the link hunts for a report the collector refuses: batches then carry one report and only
   * one is out at a time, so a refusal names exactly one report. Read before every batch.
   */
  readonly isolating: () => boolean;
}

/** How a stream ended. */
export interface StreamOutcome {
  /** Why, in words for the log. */
  readonly reason: string;
  /** performance.now() when the Welcome arrived; undefined when it never did. */
  readonly upAtMs: number | undefined;
  /** The gRPC status code the stream ended with; undefined when the agent ended it (watchdog, shutdown). */
  readonly code: number | undefined;
  /**
   * The oldest batch sent and not acknowledged when the stream ended (after the acks that came before the
   * status were taken): the batch a refusal was about. Undefined when nothing was outstanding.
   */
  readonly unacked: { readonly first: bigint; readonly last: bigint } | undefined;
}

function describeStatus(
  status: Pick<StatusObject, 'code' | 'details'>,
  names: Record<number, string>,
): string {
  if (status.code === STATUS_OK) return 'the collector closed the stream';
  // grpc-js appends an empty "Resolution note:" to connection errors; it adds nothing here.
  const details = status.details.replace(/\.?\s*Resolution note:\s*$/, '').trim();
  return `${names[status.code] ?? `status ${status.code}`}${details ? `: ${details}` : ''}`;
}

/**
 * One bidirectional Report stream: Hello, then (after the Welcome) batches read from the spool, in order,
 * as fast as the stream takes them. Acks release the spool. It ends on a gRPC status, on the collector
 * ending it, on a protocol violation, or when the watchdog sees no ack for too long; `ended` says why.
 * The link opens the next one.
 *
 * Backpressure: the link writes while grpc-js's write() returns true and less than maxInFlightBytes is
 * waiting to be flushed to the connection; then it waits for 'drain' or for flushed writes. A collector
 * that reads slowly (or HTTP/2 flow control) therefore holds at most about two batches in the agent's
 * memory; everything else waits in the spool.
 */
export class ReportStream {
  readonly ended: Promise<StreamOutcome>;
  private readonly call: ClientDuplexStream<Buffer, CollectorMessage__Output>;
  private readonly startedAt = performance.now();
  private resolveEnded: (outcome: StreamOutcome) => void = () => undefined;
  private done = false;
  private upAt: number | undefined;
  /** The last sequence written to this stream. */
  private cursor = 0n;
  /** The last sequence the collector acknowledged on this stream. */
  private acked = 0n;
  /** When the oldest unacknowledged report went out, or the last ack came: the watchdog's reference. */
  private progressAt = performance.now();
  private inFlightBytes = 0;
  /** write() returned false: nothing more until 'drain'. */
  private blocked = false;
  /** Holding sends for backpressure (logged once per episode). */
  private congested = false;
  private wakeUp: (() => void) | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly sentBatches: { readonly first: bigint; readonly last: bigint; readonly at: number }[] = [];
  private lastAckRttSeconds = 0;
  private inbox: Promise<void> = Promise.resolve();
  private warnedAckBeyondSent = false;

  constructor(private readonly options: ReportStreamOptions) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    this.call = options.client.makeBidiStreamRequest<Buffer, CollectorMessage__Output>(
      REPORT_METHOD_PATH,
      (bytes) => bytes,
      (bytes) => options.codec.collectorMessage(bytes),
      options.metadata(),
    );
    this.call.on('data', (message: CollectorMessage__Output) => {
      this.inbox = this.inbox
        .then(() => this.receive(message))
        .catch((error: unknown) => this.stop(`handling a collector message failed: ${String(error)}`));
    });
    // 'error' comes first, synchronously, with the status; 'status' and 'end' follow.
    this.call.on('error', (error: StatusObject & Error) =>
      this.finish(describeStatus(error, options.statusNames), error.code),
    );
    this.call.on('status', (status: StatusObject) =>
      this.finish(describeStatus(status, options.statusNames), status.code),
    );
    this.call.on('end', () => this.finish('the collector ended the stream'));
    this.call.on('drain', () => {
      this.blocked = false;
      this.wake();
    });
    this.write(options.codec.hello(options.hello));
    this.scheduleWatchdog();
  }

  /** A report was added to the spool. */
  notify(): void {
    this.wake();
  }

  /** Ends the stream (shutdown, watchdog, protocol violation). */
  stop(reason: string): void {
    this.finish(reason);
  }

  private finish(reason: string, code?: number): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.watchdog);
    this.call.cancel();
    this.wake();
    // Acks the collector wrote before its status may still be queued in the inbox: they are taken first,
    // so that `unacked` is the batch the status was about and not one the collector had stored.
    void this.inbox.then(() =>
      this.resolveEnded({ reason, upAtMs: this.upAt, code, unacked: this.oldestUnacked() }),
    );
  }

  private oldestUnacked(): StreamOutcome['unacked'] {
    const batch = this.sentBatches.find((sent) => sent.last > this.acked);
    // Batches older than MAX_TRACKED_BATCHES are forgotten: then the oldest outstanding one is not known.
    if (batch === undefined || batch.first > this.acked + 1n) return undefined;
    return { first: this.acked + 1n, last: batch.last };
  }

  private async receive(message: CollectorMessage__Output): Promise<void> {
    switch (message.body) {
      case 'welcome':
        // After the end, acks still count (they release stored reports); a Welcome would start sending.
        if (this.done) return;
        return this.welcome(BigInt(message.welcome?.storedSequence ?? '0'));
      case 'ack':
        return this.ack(BigInt(message.ack?.sequence ?? '0'));
      case 'settings': {
        const interval = message.settings?.interval;
        if (interval) this.options.onSettings(msFromDuration(interval));
        return;
      }
      default:
        // A message from a newer collector that this agent does not know: ignored, as proto3 intends.
        return;
    }
  }

  private async welcome(stored: bigint): Promise<void> {
    if (this.upAt !== undefined) return this.stop('protocol violation: a second Welcome');
    const { spool, observer, logger } = this.options;
    if (stored > spool.lastSequence) {
      logger.warn(
        { epoch: spool.epoch, collectorStored: stored.toString(), agentLast: spool.lastSequence.toString() },
        'the collector has sequences of this epoch that this agent never sent (spool restored from a copy?); numbering continues above them',
      );
    }
    const released = await spool.ack(stored);
    if (released > 0) observer.acked(released, Date.now());
    this.cursor = spool.releasedSequence > stored ? spool.releasedSequence : stored;
    // Reports released locally past what the collector stored (dropped over the cap, or refused) are settled:
    // nothing is outstanding until the next batch goes out.
    this.acked = this.cursor;
    this.upAt = performance.now();
    this.progressAt = this.upAt;
    this.options.onUp(stored);
    this.options.onProgress();
    void this.pump().catch((error: unknown) => this.stop(`sending failed: ${String(error)}`));
  }

  private async ack(sequence: bigint): Promise<void> {
    if (this.upAt === undefined) return this.stop('protocol violation: an Ack before the Welcome');
    let through = sequence;
    if (through > this.cursor) {
      // Acknowledging what was never sent would release reports unsent: trust only what was sent.
      if (!this.warnedAckBeyondSent) {
        this.warnedAckBeyondSent = true;
        this.options.logger.warn(
          { ack: sequence.toString(), sent: this.cursor.toString() },
          'the collector acknowledged reports this stream has not sent; taking it as everything sent',
        );
      }
      through = this.cursor;
    }
    if (through <= this.acked) return;
    const now = performance.now();
    // The round trip of the newest batch this ack covers: sent to stored-and-acknowledged.
    for (
      let batch = this.sentBatches[0];
      batch !== undefined && batch.last <= through;
      batch = this.sentBatches[0]
    ) {
      this.sentBatches.shift();
      this.lastAckRttSeconds = (now - batch.at) / 1_000;
    }
    this.acked = through;
    this.progressAt = now;
    const released = await this.options.spool.ack(through);
    this.options.observer.acked(released, Date.now());
    this.options.onProgress();
    // While isolating, the next report waits for this ack.
    this.wake();
  }

  /** Writes batches from the spool while the stream takes them. */
  private async pump(): Promise<void> {
    const { spool, tuning, codec, observer } = this.options;
    while (!this.done) {
      const isolating = this.options.isolating();
      const congested = this.blocked || this.inFlightBytes >= tuning.maxInFlightBytes;
      if (congested && !this.congested) {
        this.options.logger.debug(
          { inFlightBytes: this.inFlightBytes, pending: spool.pendingReports },
          'the collector is not taking data as fast as it comes: holding sends (backpressure)',
        );
      }
      this.congested = congested;
      const awaitingAck = isolating && this.cursor > this.acked;
      if (congested || awaitingAck || spool.lastSequence <= this.cursor) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        });
        continue;
      }
      const records = await spool.read(
        this.cursor,
        tuning.maxBatchBytes,
        isolating ? 1 : tuning.maxBatchReports,
      );
      if (this.done) return;
      const last = records.at(-1);
      if (last === undefined) {
        // Everything after the cursor was released meanwhile (dropped over the cap, or acked by a Welcome).
        this.cursor = spool.lastSequence;
        continue;
      }
      const now = performance.now();
      if (this.cursor <= this.acked) this.progressAt = now;
      this.cursor = last.sequence;
      this.sentBatches.push({ first: records[0]?.sequence ?? last.sequence, last: last.sequence, at: now });
      if (this.sentBatches.length > MAX_TRACKED_BATCHES) this.sentBatches.shift();
      this.write(
        codec.batch(
          records.map((record) => record.payload),
          Date.now(),
          this.lastAckRttSeconds,
        ),
      );
      observer.sent(records.length);
    }
  }

  private write(bytes: Buffer): void {
    this.inFlightBytes += bytes.length;
    const accepted = this.call.write(bytes, () => {
      this.inFlightBytes -= bytes.length;
      this.wake();
    });
    if (!accepted) this.blocked = true;
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private deadlineMs(): number {
    const { tuning, intervalMs } = this.options;
    return Math.max(tuning.watchdogMinMs, tuning.watchdogIntervals * intervalMs());
  }

  /**
   * The application-level watchdog: keepalive proves the connection answers, not that the collector
   * stores anything. No Welcome, or no ack while reports are out, for the deadline ends the stream.
   */
  private scheduleWatchdog(): void {
    const deadline = this.deadlineMs();
    this.watchdog = setTimeout(
      () => {
        if (this.done) return;
        const now = performance.now();
        if (this.upAt === undefined && now - this.startedAt > deadline) {
          return this.stop(`watchdog: no Welcome within ${formatDuration(deadline)}`);
        }
        if (this.upAt !== undefined && this.cursor > this.acked && now - this.progressAt > deadline) {
          return this.stop(
            `watchdog: no ack for ${formatDuration(now - this.progressAt)} with ${this.cursor - this.acked} reports outstanding`,
          );
        }
        this.scheduleWatchdog();
      },
      Math.max(1, Math.floor(deadline / WATCHDOG_CHECKS_PER_DEADLINE)),
    );
    this.watchdog.unref();
  }
}
