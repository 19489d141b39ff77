import type { Client, ClientDuplexStream, Metadata, StatusObject } from '@grpc/grpc-js';
import { type LinkCodec, REPORT_METHOD_PATH } from '../../agent/link/link-codec.js';
import type { CollectorMessage__Output } from '../../proto/gen/nodedoc/v1/CollectorMessage.js';
import type { AckWindow } from './ack-window.js';
import type { ReportTemplate } from './report-template.js';

/** A message written and not yet covered by an ack. */
interface InFlight {
  readonly lastSequence: number;
  readonly reports: number;
  /** performance.now() when it was written to the stream. */
  readonly sentAt: number;
}

export interface SimulatedStreamOptions {
  readonly client: Client;
  readonly metadata: Metadata;
  readonly codec: LinkCodec;
  readonly template: ReportTemplate;
  readonly node: string;
  /** The agent's epoch (uint64, decimal). */
  readonly epoch: string;
  readonly intervalMs: number;
  readonly window: AckWindow;
  /** Called on every ack and 'drain': the max-rate driver writes the next batches from here. */
  readonly onReady: (stream: SimulatedStream) => void;
}

/**
 * One simulated agent: the real Report stream (the agent's own method path and codec), a Hello, then batches
 * of reports with this node's sequence numbers. It keeps what it wrote until an ack covers it, to time the
 * round trip. Unlike the real agent it keeps no spool: a stream that fails is counted, not replayed.
 */
export class SimulatedStream {
  private readonly call: ClientDuplexStream<Buffer, CollectorMessage__Output>;
  private readonly inFlight: InFlight[] = [];
  private nextSequence = 1;
  private welcomedFlag = false;
  private blocked = false;
  /** The final status, once the stream ended (by the collector, the network, or cancel()). */
  ended: StatusObject | undefined;
  readonly welcomed: Promise<void>;
  private cancelled = false;

  constructor(private readonly options: SimulatedStreamOptions) {
    const { codec, client, metadata } = options;
    this.call = client.makeBidiStreamRequest<Buffer, CollectorMessage__Output>(
      REPORT_METHOD_PATH,
      (bytes) => bytes,
      (bytes) => codec.collectorMessage(bytes),
      metadata,
    );
    this.welcomed = new Promise((resolve, reject) => {
      this.call.on('data', (message: CollectorMessage__Output) => {
        if (message.body === 'welcome') {
          this.welcomedFlag = true;
          resolve();
        } else if (message.body === 'ack' && message.ack) {
          this.ack(Number(message.ack.sequence));
        }
      });
      this.call.on('status', (status: StatusObject) => {
        this.ended = status;
        reject(
          new Error(`${options.node}: stream ended before its Welcome: ${status.code} ${status.details}`),
        );
      });
    });
    // The status event says everything; without a listener 'error' would throw.
    this.call.on('error', () => undefined);
    this.call.on('drain', () => {
      this.blocked = false;
      options.onReady(this);
    });
    this.welcomed.catch(() => undefined);
    this.call.write(codec.hello(options.template.hello(options.node, options.epoch, options.intervalMs)));
  }

  get node(): string {
    return this.options.node;
  }

  /** Up (welcomed) and not ended. */
  get live(): boolean {
    return this.welcomedFlag && this.ended === undefined;
  }

  /** Messages written and not yet acknowledged. */
  get outstanding(): number {
    return this.inFlight.length;
  }

  /** write() asked to wait for 'drain' (HTTP/2 flow control): the max-rate driver holds off, as the agent does. */
  get congested(): boolean {
    return this.blocked;
  }

  /** Whether the stream ended for a reason other than cancel(). */
  get failed(): boolean {
    return this.ended !== undefined && !this.cancelled;
  }

  /** Writes one Batch of `reports` consecutive reports, sampled now. */
  sendBatch(reports: number): void {
    if (!this.live) return;
    const sampledAtMs = Date.now();
    const encoded: Buffer[] = [];
    for (let i = 0; i < reports; i += 1) {
      encoded.push(this.options.template.report(this.nextSequence, sampledAtMs));
      this.nextSequence += 1;
    }
    const sentAt = performance.now();
    this.inFlight.push({ lastSequence: this.nextSequence - 1, reports, sentAt });
    if (!this.call.write(this.options.codec.batch(encoded, sampledAtMs, 0))) this.blocked = true;
  }

  private ack(sequence: number): void {
    const now = performance.now();
    const { window } = this.options;
    for (
      let head = this.inFlight[0];
      head !== undefined && head.lastSequence <= sequence;
      head = this.inFlight[0]
    ) {
      this.inFlight.shift();
      window.acked(head.reports, head.sentAt, now);
    }
    this.options.onReady(this);
  }

  cancel(): void {
    this.cancelled = true;
    this.call.cancel();
  }
}
