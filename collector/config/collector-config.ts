import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParsedFlags } from '../../common/cli/parse-flags.js';
import { UsageError } from '../../common/cli/usage-error.js';
import { parseDuration } from '../../common/duration.js';
import { type ListenAddress, parseListenAddress } from '../../common/listen-address.js';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GRPC_LISTEN,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_LOG_LEVEL,
  DEFAULT_RETENTION,
} from './collector-flags.js';

/** The PEM files of gRPC mTLS, read at start-up so a bad path is a usage error, not a failure later. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

export interface CollectorConfig {
  readonly grpcListen: ListenAddress;
  readonly httpListen: ListenAddress;
  /** Absolute. */
  readonly dataDir: string;
  readonly retentionMs: number;
  /** Undefined: plaintext gRPC, node names as the agents say them. */
  readonly tls: TlsFiles | undefined;
  readonly logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/**
 * A shorter window would forget a node before it could even be declared Unreachable (three agent intervals)
 * and prune timelines faster than anyone could read them.
 */
export const MIN_RETENTION_MS = 60_000;
const TLS_FLAGS = ['tls-cert', 'tls-key', 'tls-ca'] as const;

function listen(flags: ParsedFlags, name: string, fallback: string): ListenAddress {
  const text = flags.string(name) ?? fallback;
  const address = parseListenAddress(text);
  if (!address) throw new UsageError(`--${name} ${text}: expected HOST:PORT or :PORT`);
  return address;
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`--${flag} ${path}: cannot read it (${code})`);
  }
}

function tlsFiles(flags: ParsedFlags): TlsFiles | undefined {
  const given = TLS_FLAGS.filter((name) => flags.string(name) !== undefined);
  if (given.length === 0) return undefined;
  if (given.length !== TLS_FLAGS.length) {
    const missing = TLS_FLAGS.filter((name) => !given.includes(name));
    throw new UsageError(
      `--tls-cert, --tls-key and --tls-ca go together (mTLS): missing ${missing.map((name) => `--${name}`).join(', ')}`,
    );
  }
  const path = (name: (typeof TLS_FLAGS)[number]) => flags.string(name) ?? '';
  return {
    cert: readPem('tls-cert', path('tls-cert')),
    key: readPem('tls-key', path('tls-key')),
    ca: readPem('tls-ca', path('tls-ca')),
  };
}

/** Flags (and NODEDOC_* environment) to a typed configuration; every problem is a one-line UsageError. */
export function buildCollectorConfig(flags: ParsedFlags): CollectorConfig {
  const logLevel = flags.string('log-level') ?? DEFAULT_LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level ${logLevel}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const retentionText = flags.string('retention') ?? DEFAULT_RETENTION;
  const retentionMs = parseDuration(retentionText);
  if (retentionMs === undefined || retentionMs < MIN_RETENTION_MS) {
    throw new UsageError(`--retention ${retentionText}: expected a duration of at least 1m, like 24h or 90m`);
  }
  const dataDir = flags.string('data-dir') ?? DEFAULT_DATA_DIR;
  if (dataDir.trim() === '') throw new UsageError('--data-dir must not be empty');
  const grpcListen = listen(flags, 'grpc-listen', DEFAULT_GRPC_LISTEN);
  const httpListen = listen(flags, 'http-listen', DEFAULT_HTTP_LISTEN);
  return {
    grpcListen,
    httpListen,
    dataDir: resolve(dataDir),
    retentionMs,
    tls: tlsFiles(flags),
    logLevel,
  };
}
