import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AgentMessage__Output } from '../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { Batch__Output } from '../../proto/gen/nodedoc/v1/Batch.js';
import type { CollectorMessage } from '../../proto/gen/nodedoc/v1/CollectorMessage.js';
import type { Hello__Output } from '../../proto/gen/nodedoc/v1/Hello.js';
import type { CollectorState } from '../collector-state.js';
import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import { type CollectorError, collectorError } from '../errors.js';
import { certificateNode } from '../grpc/certificate-identity.js';
import { type IngestMetrics, reasonLabel } from '../metrics/ingest-metrics.js';
import type { AgentIdentity } from '../store/node-store.js';
import { toCollectorError } from '../to-collector-error.js';
import { toTimestamp } from '../views/timestamps.js';
import { ClockOffsetEstimator } from './clock-offset.js';
import type { RegisteredStream, StreamRegistry } from './stream-registry.js';
import { validateBatch } from './validate-batch.js';
import { validateHello } from './validate-hello.js';

/**
 * Messages read ahead of the one being stored. Past this the stream stops reading, and HTTP/2 flow control
 * makes the agent's write() report backpressure instead of the collector buffering without bound.
 */
export const MAX_QUEUED_MESSAGES = 8;

export interface ReportDependencies {
  readonly state: CollectorState;
  readonly board: DiagnosisBoard;
  readonly metrics: IngestMetrics;
  readonly streams: StreamRegistry;
  readonly logger: Logger;
  /** With mTLS the node is the one the client certificate names. */
  readonly mtls: boolean;
  readonly now: () => number;
}

interface Arrival {
  readonly message: AgentMessage__Output;
  /** Collector clock when it arrived, Unix ms (stored as the reports' receivedAt). */
  readonly receivedAtMs: number;
  /** Monotonic arrival time, for the ingest latency. */
  readonly arrivedAt: number;
}

/**
 * One agent's Report stream: a hello (answered with a Welcome), then batches, each stored and answered with
 * an Ack once durable. Messages are handled strictly one at a time, in order. Invalid input ends this stream
 * with a catalog status and one log line; nothing else is affected.
 */
export class ReportSession implements RegisteredStream {
  private identity: AgentIdentity | undefined;
  private readonly queue: Arrival[] = [];
  private pumping = false;
  private halfClosed = false;
  private ended = false;
  private draining = false;
  private readonly peer: string;
  private readonly endedWaiters: Array<() => void> = [];
  /** The agent's clock offset, from this stream's batches (a new stream starts a new estimate). */
  private readonly clock = new ClockOffsetEstimator();

  constructor(
    private readonly call: ServerDuplexStream<AgentMessage__Output, CollectorMessage>,
    private readonly deps: ReportDependencies,
  ) {
    this.peer = call.getPeer();
  }

  start(): void {
    this.deps.streams.opened(this);
    this.call.on('data', (message: AgentMessage__Output) => this.arrive(message));
    this.call.on('end', () => {
      this.halfClosed = true;
      void this.pump();
    });
    // The agent went away (or grpc-js ended the call itself, e.g. RESOURCE_EXHAUSTED for an oversized message).
    this.call.on('cancelled', () => this.close('cancelled'));
  }

  supersede(): void {
    this.reject(collectorError('STREAM_SUPERSEDED', { node: this.identity?.node ?? '' }), 'info');
  }

  drain(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.draining = true;
    const ended = new Promise<void>((resolve) => this.endedWaiters.push(resolve));
    if (!this.pumping) this.reject(collectorError('SHUTTING_DOWN', {}), 'debug');
    return ended;
  }

  private arrive(message: AgentMessage__Output): void {
    if (this.ended) return;
    this.queue.push({ message, receivedAtMs: this.deps.now(), arrivedAt: performance.now() });
    if (this.queue.length >= MAX_QUEUED_MESSAGES) this.call.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = this.queue.shift(); next && !this.ended && !this.draining; next = this.queue.shift()) {
        if (this.queue.length < MAX_QUEUED_MESSAGES) this.call.resume();
        await this.handle(next);
      }
    } catch (error) {
      const { error: failure, internal } = toCollectorError(error);
      if (internal)
        this.deps.logger.error({ err: error, node: this.identity?.node, peer: this.peer }, 'ingest failed');
      this.reject(failure, internal ? undefined : 'warn');
    } finally {
      this.pumping = false;
    }
    if (this.ended) return;
    if (this.draining) this.reject(collectorError('SHUTTING_DOWN', {}), 'debug');
    else if (this.halfClosed && this.queue.length === 0) this.finish();
  }

  private async handle(arrival: Arrival): Promise<void> {
    const { message } = arrival;
    if (this.identity === undefined) {
      if (message.body !== 'hello' || !message.hello) {
        throw collectorError('HELLO_REQUIRED', {
          got: message.body ? `a ${message.body}` : 'an empty message',
        });
      }
      await this.hello(message.hello);
      return;
    }
    if (message.body === 'hello') throw collectorError('UNEXPECTED_HELLO', {});
    if (message.body !== 'batch' || !message.batch) throw collectorError('EMPTY_MESSAGE', {});
    await this.batch(this.identity, message.batch, arrival);
  }

  private certificateNode(): string | undefined {
    if (!this.deps.mtls) return undefined;
    const node = certificateNode(this.call.getAuthContext()?.sslPeerCertificate);
    if (node === undefined) throw collectorError('NO_CERTIFICATE_IDENTITY', {});
    return node;
  }

  private async hello(hello: Hello__Output): Promise<void> {
    const { store, views } = this.deps.state.require();
    const identity = validateHello(hello, this.certificateNode());
    const { storedSequence } = await store.hello(identity, this.deps.now());
    this.deps.board.hello(identity);
    // After a restart, rebuild the node's finding runs before this stream adds to them.
    await views.ensureSeeded(identity.node);
    if (this.ended) return;
    this.identity = identity;
    this.deps.metrics.streamsConnected.inc();
    this.deps.streams.claim(identity.node, this);
    this.call.write({ welcome: { storedSequence, collectorTime: toTimestamp(this.deps.now()) } });
    this.deps.logger.info(
      {
        node: identity.node,
        peer: this.peer,
        epoch: identity.epoch,
        storedSequence,
        agentVersion: identity.agentVersion,
        intervalMs: identity.intervalMs,
      },
      'agent stream opened',
    );
  }

  private async batch(identity: AgentIdentity, batch: Batch__Output, arrival: Arrival): Promise<void> {
    const { store } = this.deps.state.require();
    const { reports, sentAtMs, lastAckRttSeconds } = validateBatch(batch);
    const outcome = await store.ingest(identity.node, identity.epoch, reports, arrival.receivedAtMs);
    const { metrics } = this.deps;
    metrics.ingestLatency.observe((performance.now() - arrival.arrivedAt) / 1_000);
    metrics.reportsReceived.inc(reports.length);
    metrics.reportsStored.inc(outcome.stored);
    metrics.reportDuplicates.inc(outcome.duplicates);
    metrics.reportGaps.inc(outcome.gaps);
    const clock = this.clock.add(sentAtMs, lastAckRttSeconds, arrival.receivedAtMs);
    this.deps.board.observe(identity.node, identity.epoch, reports, arrival.receivedAtMs, clock);
    if (outcome.gaps > 0) {
      this.deps.logger.warn(
        { node: identity.node, peer: this.peer, gaps: outcome.gaps, ackSequence: outcome.ackSequence },
        'sequences skipped by the agent counted as gaps',
      );
    }
    if (this.ended) return;
    this.call.write({ ack: { sequence: outcome.ackSequence, collectorTime: toTimestamp(this.deps.now()) } });
  }

  /**
   * Ends the stream with the error's status; `level` undefined means the caller already logged it. Shutdown
   * ends every stream at once, so those lines are debug: one "shutting down" line says it all.
   */
  private reject(error: CollectorError, level: 'warn' | 'info' | 'debug' | undefined): void {
    if (this.ended) return;
    this.deps.metrics.streamsRejected.inc({ reason: reasonLabel(error.code) });
    if (level !== undefined) {
      this.deps.logger[level](
        { node: this.identity?.node, peer: this.peer, reason: error.code, detail: error.message },
        'agent stream ended by the collector',
      );
    }
    this.close('rejected');
    this.call.emit('error', error.grpc());
  }

  /** The agent ended its side and everything it sent is stored: end ours with OK. */
  private finish(): void {
    this.deps.logger.info({ node: this.identity?.node, peer: this.peer }, 'agent stream ended by the agent');
    this.close('finished');
    this.call.end();
  }

  private close(how: 'cancelled' | 'rejected' | 'finished'): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    if (how === 'cancelled') {
      this.deps.logger.info({ node: this.identity?.node, peer: this.peer }, 'agent stream cancelled');
    }
    if (this.identity !== undefined) this.deps.metrics.streamsConnected.dec();
    this.deps.streams.closed(this, this.identity?.node);
    for (const resolve of this.endedWaiters.splice(0)) resolve();
  }
}
