import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ParsedFlags } from '../../common/cli/parse-flags.js';
import { UsageError } from '../../common/cli/usage-error.js';
import { parseDuration } from '../../common/duration.js';
import { type ListenAddress, parseListenAddress } from '../../common/listen-address.js';
import { type AlertmanagerTarget, parseAlertmanagerUrl } from '../alerting/alertmanager-target.js';
import { DEFAULT_CLOCK_SKEW_CRITICAL_MS, DEFAULT_CLOCK_SKEW_WARNING_MS } from '../diagnosis/clock-skew.js';
import { DEFAULT_FLEET_MIN_NODES, DEFAULT_FLEET_SHARE } from '../diagnosis/fleet-scope.js';
import { DEFAULT_EVENT_WINDOW_MS } from '../diagnosis/hysteresis.js';
import {
  KUBERNETES_MODES,
  type KubernetesMode,
  type KubernetesResolution,
  resolveKubernetes,
} from '../kube/cluster-connection.js';
import {
  DEFAULT_ALERTMANAGER_RESEND_INTERVAL,
  DEFAULT_CLOCK_SKEW_CRITICAL,
  DEFAULT_CLOCK_SKEW_WARNING,
  DEFAULT_DATA_DIR,
  DEFAULT_EVENT_WINDOW,
  DEFAULT_FLEET_MIN_NODES_TEXT,
  DEFAULT_FLEET_SHARE_TEXT,
  DEFAULT_GRPC_LISTEN,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_KUBERNETES,
  DEFAULT_LOG_LEVEL,
  DEFAULT_RETENTION,
} from './collector-flags.js';

/** The PEM files of gRPC mTLS, read at start-up so a bad path is a usage error, not a failure later. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

/** Where and how often active causes are pushed as alerts (--alertmanager-url, --alertmanager-resend-interval). */
export interface AlertmanagerConfig {
  /** Every one gets every alert (the members of an HA cluster deduplicate among themselves). Never empty. */
  readonly targets: readonly AlertmanagerTarget[];
  readonly resendIntervalMs: number;
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
  /** Base of links sent outside the collector (runbook URLs in Events and alerts); ends with '/'. */
  readonly externalUrl: URL;
  readonly diagnosis: DiagnosisConfig;
  /** The cluster whose Nodes are watched and Events posted to, or why there is none. */
  readonly kubernetes: KubernetesResolution;
  /** Undefined (no --alertmanager-url): nothing is pushed. */
  readonly alertmanager?: AlertmanagerConfig;
}

/** The classifier's knobs (collector/diagnosis/). */
export interface DiagnosisConfig {
  /** (0, 1]: share of reachable nodes that makes a symptom fleet-wide. */
  readonly fleetShare: number;
  /** Fewest affected nodes for a fleet cause. */
  readonly fleetMinNodes: number;
  readonly eventWindowMs: number;
  readonly clockSkewWarningMs: number;
  readonly clockSkewCriticalMs: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/**
 * A shorter window would forget a node before it could even be declared Unreachable (three agent intervals)
 * and prune timelines faster than anyone could read them.
 */
export const MIN_RETENTION_MS = 60_000;
const TLS_FLAGS = ['tls-cert', 'tls-key', 'tls-ca'] as const;
/**
 * Below a second the resends would be a busy loop against Alertmanager; its group_wait (30 s by default) and
 * group_interval (5 m) make anything shorter than seconds pointless anyway.
 */
export const MIN_ALERTMANAGER_RESEND_MS = 1_000;

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

/**
 * --external-url, or this host's name and the HTTP port: a link in a page or an alert must name a host
 * the reader can reach, and neither a wildcard listen address nor 127.0.0.1 (from another machine) is one.
 */
function externalUrl(flags: ParsedFlags, httpListen: ListenAddress): URL {
  const text = flags.string('external-url');
  if (text === undefined) {
    const listenHost = httpListen.host;
    const host =
      listenHost === undefined || listenHost === '0.0.0.0' || listenHost === '::' ? hostname() : listenHost;
    return new URL(`http://${host.includes(':') ? `[${host}]` : host}:${httpListen.port}/`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--external-url ${text}: expected an absolute http(s) URL, like https://nodedoc.example.com/`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--external-url ${text}: expected an http or https URL`);
  }
  // A base without the trailing slash would lose its last path segment when links are resolved against it.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** What no diagnosis flag gives: the classifier's own defaults. */
export const DEFAULT_DIAGNOSIS_CONFIG: DiagnosisConfig = {
  fleetShare: DEFAULT_FLEET_SHARE,
  fleetMinNodes: DEFAULT_FLEET_MIN_NODES,
  eventWindowMs: DEFAULT_EVENT_WINDOW_MS,
  clockSkewWarningMs: DEFAULT_CLOCK_SKEW_WARNING_MS,
  clockSkewCriticalMs: DEFAULT_CLOCK_SKEW_CRITICAL_MS,
};

function duration(flags: ParsedFlags, name: string, fallback: string, example: string): number {
  const text = flags.string(name) ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--${name} ${text}: expected a positive duration, like ${example}`);
  return ms;
}

function diagnosisConfig(flags: ParsedFlags): DiagnosisConfig {
  const shareText = flags.string('fleet-share') ?? DEFAULT_FLEET_SHARE_TEXT;
  const fleetShare = /^\d*\.?\d+$/.test(shareText.trim()) ? Number(shareText) : Number.NaN;
  if (!(fleetShare > 0 && fleetShare <= 1)) {
    throw new UsageError(`--fleet-share ${shareText}: expected a ratio in (0, 1], like 0.5`);
  }
  const minText = flags.string('fleet-min-nodes') ?? DEFAULT_FLEET_MIN_NODES_TEXT;
  const fleetMinNodes = /^\d+$/.test(minText.trim()) ? Number(minText) : Number.NaN;
  if (!(fleetMinNodes >= 2)) {
    // One node is never a fleet: the cause would simply be that node's.
    throw new UsageError(`--fleet-min-nodes ${minText}: expected a whole number of at least 2, like 3`);
  }
  const clockSkewWarningMs = duration(flags, 'clock-skew-warning', DEFAULT_CLOCK_SKEW_WARNING, '1s');
  const clockSkewCriticalMs = duration(flags, 'clock-skew-critical', DEFAULT_CLOCK_SKEW_CRITICAL, '30s');
  if (clockSkewCriticalMs < clockSkewWarningMs) {
    throw new UsageError('--clock-skew-critical must not be below --clock-skew-warning');
  }
  return {
    fleetShare,
    fleetMinNodes,
    eventWindowMs: duration(flags, 'event-window', DEFAULT_EVENT_WINDOW, '15m'),
    clockSkewWarningMs,
    clockSkewCriticalMs,
  };
}

function kubernetes(flags: ParsedFlags, env: NodeJS.ProcessEnv): KubernetesResolution {
  const mode = flags.string('kubernetes') ?? DEFAULT_KUBERNETES;
  if (!KUBERNETES_MODES.includes(mode as KubernetesMode)) {
    throw new UsageError(`--kubernetes ${mode}: expected one of ${KUBERNETES_MODES.join(', ')}`);
  }
  return resolveKubernetes({ mode: mode as KubernetesMode, kubeconfigFlag: flags.string('kubeconfig'), env });
}

function alertmanager(flags: ParsedFlags): AlertmanagerConfig | undefined {
  const texts = flags.list('alertmanager-url');
  const intervalText = flags.string('alertmanager-resend-interval') ?? DEFAULT_ALERTMANAGER_RESEND_INTERVAL;
  const resendIntervalMs = parseDuration(intervalText);
  if (resendIntervalMs === undefined || resendIntervalMs < MIN_ALERTMANAGER_RESEND_MS) {
    throw new UsageError(
      `--alertmanager-resend-interval ${intervalText}: expected a duration of at least 1s, like 1m or 30s`,
    );
  }
  if (texts.length === 0) return undefined;
  const targets: AlertmanagerTarget[] = [];
  for (const text of texts) {
    const target = parseAlertmanagerUrl(text);
    if (typeof target === 'string') throw new UsageError(`--alertmanager-url ${text}: ${target}`);
    if (targets.some((known) => known.alertsUrl.href === target.alertsUrl.href)) {
      throw new UsageError(`--alertmanager-url ${text}: given twice (every alert would be sent twice)`);
    }
    targets.push(target);
  }
  return { targets, resendIntervalMs };
}

/**
 * Flags (and NODEDOC_* environment) to a typed configuration; every problem is a one-line UsageError.
 * `env` is read for the cluster only (KUBECONFIG, KUBERNETES_SERVICE_HOST).
 */
export function buildCollectorConfig(
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
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
    externalUrl: externalUrl(flags, httpListen),
    diagnosis: diagnosisConfig(flags),
    kubernetes: kubernetes(flags, env),
    alertmanager: alertmanager(flags),
  };
}
