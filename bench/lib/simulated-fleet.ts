import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { linkChannelOptions } from '../../agent/link/channel-options.js';
import type { LinkCodec } from '../../agent/link/link-codec.js';
import { LINK_DEFAULTS } from '../../agent/link/link-tuning.js';
import type { AckWindow } from './ack-window.js';
import type { ReportTemplate } from './report-template.js';
import { SimulatedStream } from './simulated-stream.js';

/**
 * Streams per HTTP/2 connection. The collector allows 100 concurrent streams per connection
 * (MAX_CONCURRENT_STREAMS); half of that leaves room and still puts 15,000 agents on 300 connections.
 */
export const MAX_STREAMS_PER_CONNECTION = 50;
/** Never fewer connections than this (or than streams): the max-rate run's 200 agents get one each. */
export const MIN_CONNECTIONS = 200;
/** Streams opened per second while ramping up: 15,000 agents in 30 s. */
export const RAMP_STREAMS_PER_SECOND = 500;
/** The ramp opens streams in slices this far apart. */
const RAMP_SLICE_MS = 20;
/** Every stream must have its Welcome this long after the last one was opened. */
const WELCOME_TIMEOUT_MS = 60_000;
/** The pacer's tick; each tick sends for the streams whose phase falls in it. */
const PACER_TICK_MS = 10;
/** After the window closes, acks of messages sent in it are awaited at most this long. */
const DRAIN_TIMEOUT_MS = 15_000;
const DRAIN_POLL_MS = 50;

export interface FleetOptions {
  readonly target: string;
  readonly streams: number;
  readonly codec: LinkCodec;
  readonly template: ReportTemplate;
  /** The interval the agents announce in their Hello (and, in a paced run, send at). */
  readonly intervalMs: number;
  readonly window: AckWindow;
  /** Node names are this plus a zero-padded index: DNS-1123, distinct per run. */
  readonly namePrefix: string;
}

/** How many HTTP/2 connections carry `streams` streams. */
export function connectionsFor(streams: number): number {
  return Math.min(streams, Math.max(MIN_CONNECTIONS, Math.ceil(streams / MAX_STREAMS_PER_CONNECTION)));
}

/** A random non-zero uint64 in decimal, as the agent picks its epoch. */
function randomEpoch(): string {
  const value = randomBytes(8).readBigUInt64BE() || 1n;
  return value.toString();
}

/**
 * Many simulated agents in one process. Why they share connections: a real fleet is 15,000 processes each
 * with its own grpc-js channel and TCP connection; one load-generator process holding 15,000 grpc-js
 * channels (each with its own subchannel, transport, HTTP/2 session and keepalive timers) would spend its
 * memory and CPU on client bookkeeping the collector never sees, and become the bottleneck. What the
 * collector pays per agent is a stream (its session object, its queue, its node state), and that is what
 * 15,000 streams over a few hundred connections measure; the per-connection cost (a socket, an HTTP/2
 * session, a keepalive ping every 20 s) is what is understated, and it is small.
 */
export class SimulatedFleet {
  private readonly clients: Client[];
  private readonly streams: SimulatedStream[] = [];
  private pacer: NodeJS.Timeout | undefined;
  private driving = false;

  constructor(private readonly options: FleetOptions) {
    const channelOptions = {
      // The agent's own channel settings (keepalive 20 s/10 s, no retries, no channelz)...
      ...linkChannelOptions(LINK_DEFAULTS),
      // ...and a connection per client: by default grpc-js shares one subchannel between channels to the
      // same address, which would put every stream on a single connection.
      'grpc.use_local_subchannel_pool': 1,
    };
    this.clients = Array.from(
      { length: connectionsFor(options.streams) },
      () => new Client(options.target, credentials.createInsecure(), channelOptions),
    );
  }

  get connections(): number {
    return this.clients.length;
  }

  /** Opens every stream at RAMP_STREAMS_PER_SECOND and waits for every Welcome (bounded). */
  async open(onReady: (stream: SimulatedStream) => void = () => undefined): Promise<void> {
    const { streams: count, namePrefix } = this.options;
    const digits = String(count - 1).length;
    const perSlice = Math.max(1, Math.round((RAMP_STREAMS_PER_SECOND * RAMP_SLICE_MS) / 1_000));
    const startedAt = performance.now();
    for (let index = 0; index < count; index += 1) {
      const client = this.clients[index % this.clients.length];
      if (client === undefined) throw new Error('a fleet needs at least one connection');
      this.streams.push(
        new SimulatedStream({
          client,
          metadata: new Metadata(),
          codec: this.options.codec,
          template: this.options.template,
          node: `${namePrefix}${String(index).padStart(digits, '0')}`,
          epoch: randomEpoch(),
          intervalMs: this.options.intervalMs,
          window: this.options.window,
          onReady,
        }),
      );
      if ((index + 1) % perSlice === 0) {
        const due = startedAt + ((index + 1) / RAMP_STREAMS_PER_SECOND) * 1_000;
        await sleep(Math.max(0, due - performance.now()));
      }
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(this.streams.map((stream) => stream.welcomed)),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            const waiting = this.streams.filter((stream) => !stream.live).length;
            reject(
              new Error(
                `${waiting} of ${count} streams had no Welcome ${WELCOME_TIMEOUT_MS / 1_000} s after the ramp`,
              ),
            );
          }, WELCOME_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Paced like a real fleet: every stream sends one report per interval, the streams' phases spread evenly
   * over it (agents start at random times), by one timer for all of them.
   */
  startPaced(): void {
    const { intervalMs } = this.options;
    const slots = Math.max(1, Math.round(intervalMs / PACER_TICK_MS));
    const bySlot: SimulatedStream[][] = Array.from({ length: slots }, () => []);
    this.streams.forEach((stream, index) => {
      bySlot[Math.floor((index * slots) / this.streams.length)]?.push(stream);
    });
    const startedAt = performance.now();
    /** Ticks already handled; a late tick catches up on every slot it missed. */
    let done = 0;
    this.pacer = setInterval(() => {
      const due = Math.floor((performance.now() - startedAt) / PACER_TICK_MS) + 1;
      for (; done < due; done += 1) {
        for (const stream of bySlot[done % slots] ?? []) stream.sendBatch(1);
      }
    }, PACER_TICK_MS);
  }

  /**
   * As fast as acks allow: each stream keeps `inFlight` batches of `batchReports` written and unacknowledged
   * (the agent itself keeps two batches in flight while it replays its spool), and writes the next one as
   * an ack frees a place, unless HTTP/2 flow control pushed back.
   */
  startMaxRate(batchReports: number, inFlight: number): void {
    this.driving = true;
    for (const stream of this.streams) this.topUp(stream, batchReports, inFlight);
  }

  /** The onReady hook of a max-rate run. */
  topUp(stream: SimulatedStream, batchReports: number, inFlight: number): void {
    if (!this.driving) return;
    while (stream.live && stream.outstanding < inFlight && !stream.congested) stream.sendBatch(batchReports);
  }

  /** Stops sending and waits (bounded) for the acks of what was sent. */
  async stopSending(): Promise<void> {
    clearInterval(this.pacer);
    this.driving = false;
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (
      performance.now() < deadline &&
      this.streams.some((stream) => stream.live && stream.outstanding > 0)
    ) {
      await sleep(DRAIN_POLL_MS);
    }
  }

  /** Streams the collector or the network ended, by gRPC status code. */
  failures(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const stream of this.streams) {
      if (!stream.failed || stream.ended === undefined) continue;
      const key = `${stream.ended.code} ${stream.ended.details}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** Cancels every stream and closes every connection. */
  close(): void {
    clearInterval(this.pacer);
    this.driving = false;
    for (const stream of this.streams) stream.cancel();
    for (const client of this.clients) client.close();
  }
}
