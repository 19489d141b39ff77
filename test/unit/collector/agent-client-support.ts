/**
 * A small agent client built from the same protos and loader options as the real programs: it speaks
 * AgentService.Report message by message so tests can send exactly what they want (including what a real agent
 * never would) and read every Welcome, Ack and final status. Also builders for valid Hello and Report messages.
 */
import {
  type ChannelCredentials,
  type ChannelOptions,
  type ClientDuplexStream,
  credentials,
  loadPackageDefinition,
  type StatusObject,
} from '@grpc/grpc-js';
import { loadNodedocProtos } from '../../../common/proto/load-options.js';
import type { ProtoGrpcType as AgentProtos } from '../../../proto/gen/agent_service.js';
import type { AgentMessage } from '../../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { AgentServiceClient } from '../../../proto/gen/nodedoc/v1/AgentService.js';
import type { Batch } from '../../../proto/gen/nodedoc/v1/Batch.js';
import type { CollectorMessage__Output } from '../../../proto/gen/nodedoc/v1/CollectorMessage.js';
import type { Finding } from '../../../proto/gen/nodedoc/v1/Finding.js';
import type { Hello } from '../../../proto/gen/nodedoc/v1/Hello.js';
import type { QueryServiceClient } from '../../../proto/gen/nodedoc/v1/QueryService.js';
import type { Report } from '../../../proto/gen/nodedoc/v1/Report.js';
import type { ProtoGrpcType as QueryProtos } from '../../../proto/gen/query_service.js';
import { waitFor } from '../../harness/wait-for.js';

const protos = loadPackageDefinition(loadNodedocProtos()) as unknown as AgentProtos & QueryProtos;

export function agentServiceClient(
  target: string,
  creds: ChannelCredentials = credentials.createInsecure(),
  options: ChannelOptions = {},
) {
  return new protos.nodedoc.v1.AgentService(target, creds, options) as AgentServiceClient;
}

export function queryServiceClient(target: string, creds: ChannelCredentials = credentials.createInsecure()) {
  return new protos.nodedoc.v1.QueryService(target, creds) as QueryServiceClient;
}

/** A fixed boot id (the shape of /proc/sys/kernel/random/boot_id). */
export const BOOT_ID = '0b9a4c6e-3f1d-4e52-9c1a-7d2e8f6b5a41';
/** A fixed sampling time: 2026-11-23T10:00:00Z. */
export const T0_MS = Date.UTC(2026, 10, 23, 10, 0, 0);

export function timestamp(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

export function hello(node: string, overrides: Partial<Hello> = {}): Hello {
  return {
    nodeName: node,
    bootId: BOOT_ID,
    agentVersion: '0.1.0',
    kernel: '6.1.0-test',
    os: 'Debian GNU/Linux 12 (bookworm)',
    capabilities: ['cpu', 'memory', 'disk'],
    epoch: '1234567890123',
    interval: { seconds: '10', nanos: 0 },
    ...overrides,
  };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    check: 'CHECK_ID_MEMORY_AVAILABLE',
    cause: 'CAUSE_ID_MEMORY_PRESSURE',
    severity: 'SEVERITY_CRITICAL',
    summary: 'MemAvailable 80.0 MiB is below the 100 MiB hard-eviction threshold',
    value: 83_886_080,
    threshold: 104_857_600,
    subject: '',
    detailsJson: '',
    ...overrides,
  };
}

/** Report `sequence`, sampled `sequence` intervals of 10 s after T0. */
export function report(sequence: number, overrides: Partial<Report> = {}): Report {
  return {
    sequence: String(sequence),
    sampledAt: timestamp(T0_MS + sequence * 10_000),
    bootId: BOOT_ID,
    findings: [],
    signals: [
      { signal: 'cpu', state: 'SIGNAL_STATE_OK', reason: '' },
      { signal: 'kubelet', state: 'SIGNAL_STATE_ABSENT', reason: 'nothing answers on 127.0.0.1:10248' },
    ],
    vitals: { cpuBusyRatio: 0.25, memoryAvailableBytes: 2_147_483_648, memoryTotalBytes: 4_294_967_296 },
    samplesJson: JSON.stringify({ cpu: { status: 'ok', busyRatio: 0.25 } }),
    sampleDurationSeconds: 0.012,
    ...overrides,
  };
}

export function batch(reports: readonly Report[], overrides: Partial<Batch> = {}): Batch {
  // Sent now by a clock that agrees with the collector's (a fixed time would read as clock skew).
  return { reports: [...reports], sentAt: timestamp(Date.now()), lastAckRttSeconds: 0, ...overrides };
}

/** One open Report stream: send messages, await what the collector answers, and how the stream ended. */
export class AgentStream {
  readonly call: ClientDuplexStream<AgentMessage, CollectorMessage__Output>;
  private readonly received: CollectorMessage__Output[] = [];
  /** The final status; errors (non-OK statuses) are not thrown, they are what tests look at. */
  readonly status: Promise<StatusObject>;

  constructor(client: AgentServiceClient) {
    this.call = client.report();
    this.call.on('data', (message: CollectorMessage__Output) => this.received.push(message));
    // A non-OK status also arrives as 'error'; the 'status' event carries it either way.
    this.call.on('error', () => undefined);
    this.status = new Promise((resolve) => this.call.on('status', resolve));
  }

  send(message: AgentMessage): void {
    this.call.write(message);
  }

  /** Waits for the n-th (1-based) message from the collector. */
  async message(n: number): Promise<CollectorMessage__Output> {
    return waitFor(
      `collector message #${n}`,
      () => this.received[n - 1],
      { timeoutMs: 10_000, intervalMs: 10 },
      () => JSON.stringify(this.received),
    );
  }

  get messages(): readonly CollectorMessage__Output[] {
    return this.received;
  }

  /** Hello, and the Welcome's stored sequence. */
  async hello(message: Hello): Promise<string> {
    this.send({ hello: message });
    const welcome = await this.message(1);
    if (!welcome.welcome) throw new Error(`expected a welcome, got ${JSON.stringify(welcome)}`);
    return welcome.welcome.storedSequence;
  }

  /** Sends a batch and returns the acked sequence of the answer it gets (the n-th message). */
  async batch(reports: readonly Report[], n: number): Promise<string> {
    this.send({ batch: batch(reports) });
    const answer = await this.message(n);
    if (!answer.ack) throw new Error(`expected an ack, got ${JSON.stringify(answer)}`);
    return answer.ack.sequence;
  }

  end(): void {
    this.call.end();
  }
}
