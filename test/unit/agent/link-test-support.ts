import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServiceDefinition,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { load } from '@grpc/proto-loader';
import pino from 'pino';
import { nodedocProtoRoot, PROTO_LOAD_OPTIONS } from '../../../common/proto/load-options.js';
import type { AgentMessage__Output } from '../../../proto/gen/nodedoc/v1/AgentMessage.js';
import type { CollectorMessage } from '../../../proto/gen/nodedoc/v1/CollectorMessage.js';
import type { Hello__Output } from '../../../proto/gen/nodedoc/v1/Hello.js';
import type { Report__Output } from '../../../proto/gen/nodedoc/v1/Report.js';

/**
 * A small collector for the link's tests: a real grpc-js server implementing nodedoc.v1.AgentService
 * from the project's .proto files (loaded with the project's options), on loopback. It stores
 * idempotently per (epoch, sequence) like the real one is specified to — a replay is a duplicate, a jump
 * is a gap — and acks the highest sequence stored. Each test steers it (stop acking, stop reading, send
 * Settings) and inspects what arrived.
 */

/** What the collector has stored; kept outside a server so a "restarted" collector can share it. */
export class CollectorStore {
  readonly stored = new Map<string, bigint>();
  /** Reports newly stored, in arrival order. */
  readonly reports: Report__Output[] = [];
  duplicates = 0;
  gaps = 0;

  storedSequence(epoch: string): bigint {
    return this.stored.get(epoch) ?? 0n;
  }

  /** The sequences stored, in arrival order. */
  sequences(): bigint[] {
    return this.reports.map((report) => BigInt(report.sequence));
  }
}

/** One stream the collector saw. */
export interface SeenStream {
  readonly hello: Hello__Output | undefined;
  /** Batches received on it, each as the sequences it carried. */
  readonly batches: bigint[][];
  /** The client certificate's subject CN, with mTLS. */
  readonly peerCommonName: string | undefined;
}

export interface CollectorBehaviour {
  /** Answer a Hello with a Welcome (default true); false: accept the stream and say nothing. */
  welcome: boolean;
  /** Acknowledge each batch once stored (default true). */
  ack: boolean;
  /** Stop reading after the Hello and Welcome: HTTP/2 flow control then pushes back on the agent. */
  stallReading: boolean;
  /** Send Settings{interval} right after the Welcome. */
  settingsIntervalMs: number | undefined;
  /**
   * Reports it will not store: a batch holding one is refused whole with INVALID_ARGUMENT, ending the
   * stream, as the real collector's validation does.
   */
  refuse: ((report: Report__Output) => boolean) | undefined;
}

export interface FakeCollector {
  readonly port: number;
  /** HOST:PORT for --collector. */
  readonly target: string;
  readonly store: CollectorStore;
  readonly streams: SeenStream[];
  /** Batches refused (behaviour.refuse), each as the sequences it carried. */
  readonly refused: bigint[][];
  behave(change: Partial<CollectorBehaviour>): void;
  /** Lets stalled streams read again. */
  resumeReading(): void;
  stop(): Promise<void>;
}

export interface FakeCollectorOptions {
  /** 0 (default) for a free port; a port of a stopped collector to "restart" it there. */
  readonly port?: number;
  readonly store?: CollectorStore;
  readonly credentials?: ServerCredentials;
  readonly behaviour?: Partial<CollectorBehaviour>;
}

const SERVICE_PROTO = 'nodedoc/v1/agent_service.proto';

function timestampNow(): { seconds: string; nanos: number } {
  const ms = Date.now();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export async function startFakeCollector(options: FakeCollectorOptions = {}): Promise<FakeCollector> {
  const definitions = await load(SERVICE_PROTO, { ...PROTO_LOAD_OPTIONS, includeDirs: [nodedocProtoRoot()] });
  const service = definitions['nodedoc.v1.AgentService'] as ServiceDefinition;
  const store = options.store ?? new CollectorStore();
  const streams: SeenStream[] = [];
  const stalled: ServerDuplexStream<AgentMessage__Output, CollectorMessage>[] = [];
  const refused: bigint[][] = [];
  let behaviour: CollectorBehaviour = {
    welcome: true,
    ack: true,
    stallReading: false,
    settingsIntervalMs: undefined,
    refuse: undefined,
    ...options.behaviour,
  };

  const handlers: UntypedServiceImplementation = {
    Report(call: ServerDuplexStream<AgentMessage__Output, CollectorMessage>) {
      let epoch = '';
      const seen: {
        hello: Hello__Output | undefined;
        batches: bigint[][];
        peerCommonName: string | undefined;
      } = {
        hello: undefined,
        batches: [],
        peerCommonName:
          [call.getAuthContext().sslPeerCertificate?.subject?.CN ?? []].flat().join(',') || undefined,
      };
      streams.push(seen);
      call.on('data', (message: AgentMessage__Output) => {
        if (message.body === 'hello' && message.hello) {
          seen.hello = message.hello;
          epoch = message.hello.epoch;
          if (!behaviour.welcome) return;
          call.write({
            welcome: {
              storedSequence: store.storedSequence(epoch).toString(),
              collectorTime: timestampNow(),
            },
          });
          if (behaviour.settingsIntervalMs !== undefined) {
            const ms = behaviour.settingsIntervalMs;
            call.write({
              settings: {
                interval: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
              },
            });
          }
          if (behaviour.stallReading) {
            call.pause();
            stalled.push(call);
          }
          return;
        }
        if (message.body !== 'batch' || !message.batch) return;
        const sequences = message.batch.reports.map((report) => BigInt(report.sequence));
        seen.batches.push(sequences);
        const refuse = behaviour.refuse;
        if (refuse && message.batch.reports.some((report) => refuse(report))) {
          refused.push(sequences);
          call.emit(
            'error',
            Object.assign(new Error('refused'), {
              code: status.INVALID_ARGUMENT,
              details: `INVALID_BATCH: report ${sequences[0]} is not valid`,
            }),
          );
          return;
        }
        for (const report of message.batch.reports) {
          const sequence = BigInt(report.sequence);
          const stored = store.storedSequence(epoch);
          if (sequence <= stored) {
            store.duplicates += 1;
            continue;
          }
          store.gaps += Number(sequence - stored - 1n);
          store.stored.set(epoch, sequence);
          store.reports.push(report);
        }
        if (behaviour.ack) {
          call.write({
            ack: { sequence: store.storedSequence(epoch).toString(), collectorTime: timestampNow() },
          });
        }
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  };

  const server = new Server();
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${options.port ?? 0}`,
      options.credentials ?? ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  return {
    port,
    target: `127.0.0.1:${port}`,
    store,
    streams,
    refused,
    behave(change) {
      behaviour = { ...behaviour, ...change };
    },
    resumeReading() {
      for (const call of stalled.splice(0)) call.resume();
    },
    async stop() {
      server.forceShutdown();
    },
  };
}

/**
 * A TCP hop between the agent and the collector that can freeze: it then keeps every connection open
 * and accepts new ones, but forwards nothing in either direction — what a collector stopped with
 * SIGSTOP (or a silent network partition) looks like from the agent: the kernel completes handshakes and
 * takes bytes, nothing ever answers.
 */
export interface FreezableProxy {
  readonly target: string;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export async function startFreezableProxy(upstreamPort: number): Promise<FreezableProxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((client) => {
    sockets.add(client);
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    target: `127.0.0.1:${address.port}`,
    freeze() {
      frozen = true;
    },
    thaw() {
      // Connections that saw the freeze lost bytes on the way: they are dead to both ends now.
      for (const socket of sockets) socket.destroy();
      frozen = false;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A silent logger that keeps every line, for assertions on what the link logged. */
export function recordingLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines: () => lines };
}

const run = promisify(execFile);

/** A CA and certificates it signed, made by the real openssl (PEM). */
export interface TestPki {
  readonly dir: string;
  readonly caCert: Buffer;
  /** Writes a key and a certificate signed by this CA; returns their paths. */
  issue(
    name: string,
    subject: string,
    subjectAltName?: string,
  ): Promise<{ certPath: string; keyPath: string }>;
  readonly caPath: string;
  remove(): Promise<void>;
}

export async function createTestPki(commonName: string): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'nodedoc-link-pki-'));
  const openssl = (args: readonly string[]) => run('openssl', args, { cwd: dir });
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  await openssl([
    'req',
    '-x509',
    '-key',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    `/CN=${commonName}`,
  ]);
  const caPath = join(dir, 'ca.pem');
  return {
    dir,
    caPath,
    caCert: await readFile(caPath),
    async issue(name, subject, subjectAltName) {
      await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
      await openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
      const extensions = join(dir, `${name}.ext`);
      await writeFile(extensions, subjectAltName ? `subjectAltName=${subjectAltName}\n` : '');
      await openssl([
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        extensions,
        '-out',
        `${name}.pem`,
      ]);
      return { certPath: join(dir, `${name}.pem`), keyPath: join(dir, `${name}.key`) };
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
