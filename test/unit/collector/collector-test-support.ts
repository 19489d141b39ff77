/**
 * The real collector in-process for tests: gRPC and HTTP on loopback (kernel-chosen ports), the real SQLite
 * store in a temporary data directory, and a logger whose JSON lines the test can read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  type CollectorConfig,
  DEFAULT_DIAGNOSIS_CONFIG,
  type DiagnosisConfig,
  type TlsFiles,
} from '../../../collector/config/collector-config.js';
import type { KubernetesResolution } from '../../../collector/kube/cluster-connection.js';
import {
  type CollectorHooks,
  type RunningCollector,
  startCollector,
} from '../../../collector/start-collector.js';

export interface TestCollector {
  readonly collector: RunningCollector;
  /** "127.0.0.1:PORT" for gRPC clients. */
  readonly grpcTarget: string;
  /** "http://127.0.0.1:PORT". */
  readonly httpBase: string;
  readonly dataDir: string;
  /** Every JSON log line so far. */
  logLines(): Record<string, unknown>[];
  /** Stops the collector (the data directory stays until `cleanup`). */
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  cleanup(): Promise<void>;
}

export async function startTestCollector(
  options: {
    tls?: TlsFiles;
    hooks?: CollectorHooks;
    dataDir?: string;
    retentionMs?: number;
    diagnosis?: Partial<DiagnosisConfig>;
    /** Default: no cluster. */
    kubernetes?: KubernetesResolution;
  } = {},
): Promise<TestCollector> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'nodedoc-collector-')));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino(
    { level: 'debug', base: null, formatters: { level: (label) => ({ level: label }) } },
    sink,
  );
  const config: CollectorConfig = {
    grpcListen: { host: '127.0.0.1', port: 0 },
    httpListen: { host: '127.0.0.1', port: 0 },
    dataDir,
    retentionMs: options.retentionMs ?? 24 * 3_600_000,
    tls: options.tls,
    logLevel: 'debug',
    externalUrl: new URL('http://nodedoc.test/'),
    diagnosis: { ...DEFAULT_DIAGNOSIS_CONFIG, ...options.diagnosis },
    kubernetes: options.kubernetes ?? { connection: undefined, reason: 'test without a cluster' },
  };
  const collector = await startCollector(config, logger, options.hooks);
  const stop = () => collector.stop();
  return {
    collector,
    grpcTarget: `127.0.0.1:${collector.grpcPort}`,
    httpBase: `http://127.0.0.1:${collector.httpPort}`,
    dataDir,
    logLines: () => lines,
    stop,
    async cleanup() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** GET a path of the HTTP API: status, headers and the parsed JSON body. */
export async function getJson(
  base: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
