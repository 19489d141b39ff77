import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { formatBytes, parseBytes } from '../../common/bytes.js';
import type { ParsedFlags } from '../../common/cli/parse-flags.js';
import { UsageError } from '../../common/cli/usage-error.js';
import { parseDuration } from '../../common/duration.js';
import { formatListenAddress, type ListenAddress, parseListenAddress } from '../../common/listen-address.js';
import { MIN_SPOOL_MAX_BYTES } from '../link/spool.js';
import { checkTlsFiles, type TlsFiles } from '../link/tls-files.js';
import type { FilesystemRole } from '../sample-types.js';
import {
  DEFAULT_DISK_PATHS,
  DEFAULT_DNS_TIMEOUT,
  DEFAULT_DNS_WINDOW,
  DEFAULT_EVENT_HOLD,
  DEFAULT_INTERVAL,
  DEFAULT_KUBELET_CLIENT_CERT,
  DEFAULT_KUBELET_CONFIG,
  DEFAULT_KUBELET_HEALTHZ_URL,
  DEFAULT_METRICS_LISTEN,
  DEFAULT_ONCE_GAP,
  DEFAULT_PROBE_TIMEOUT,
  DEFAULT_REDISCOVER_INTERVAL,
  DEFAULT_SPOOL_MAX_BYTES,
} from './agent-flags.js';
import { parseThresholds, type Thresholds } from './thresholds.js';

export interface DiskPath {
  readonly path: string;
  readonly role: FilesystemRole;
  /** Named by the user: a missing path is then unavailable rather than absent. */
  readonly explicit: boolean;
}

/** An endpoint plus whether the user named it: a named endpoint that fails is `down`, a default one `absent`. */
export interface Endpoint<T = string> {
  readonly value: T;
  readonly explicit: boolean;
}

export interface DnsServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface AgentConfig {
  readonly once: boolean;
  readonly json: boolean;
  readonly intervalMs: number;
  readonly hostRoot: string;
  readonly nodeName: string;
  readonly diskPaths: readonly DiskPath[];
  readonly kubeletConfigPath: string;
  /** Explicit cluster DNS servers; empty means "from the kubelet config, if any". */
  readonly dnsServers: readonly DnsServerAddress[];
  readonly dnsNames: readonly string[];
  readonly dnsProbeUpstream: boolean;
  /** Explicit cluster domain; undefined means "from the kubelet config, else cluster.local". */
  readonly clusterDomain: string | undefined;
  readonly dnsTimeoutMs: number;
  readonly dnsWindowMs: number;
  readonly kubeletHealthzUrl: Endpoint;
  /** Explicit CRI socket path (under the host root); undefined means "probe the well-known ones". */
  readonly criSocket: string | undefined;
  /** Explicit API server URL; undefined means "in-cluster environment, if any". */
  readonly apiserverUrl: string | undefined;
  readonly kubeletClientCert: Endpoint;
  readonly probeTimeoutMs: number;
  /** How often an absent endpoint is looked for again. */
  readonly rediscoverMs: number;
  readonly eventHoldMs: number;
  readonly spoolDir: string | undefined;
  /** --collector as a gRPC target ("host:port", "[v6]:port"); undefined: no link, the agent stays local. */
  readonly collector: string | undefined;
  /** Cap of the report spool, bytes. */
  readonly spoolMaxBytes: number;
  /** mTLS to the collector: all three files or none (checked to be a usable certificate, key and CA). */
  readonly tls: TlsFiles | undefined;
  readonly metricsListen: ListenAddress;
  readonly logLevel: string;
  readonly thresholds: Thresholds;
}

const DISK_ROLES: readonly FilesystemRole[] = ['nodefs', 'imagefs', 'rootfs'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DNS_PORT = 53;
/** Below this the agent would spend its life sampling; the sampler itself takes a few milliseconds. */
const MIN_INTERVAL_MS = 100;

function duration(flags: ParsedFlags, name: string, fallback: string, min = 1): number {
  const text = flags.string(name) ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms < min) {
    throw new UsageError(
      `--${name} ${text}: expected a duration like 500ms, 10s or 5m${min > 1 ? ` (at least ${min}ms)` : ''}`,
    );
  }
  return ms;
}

export function parseDiskPath(text: string, explicit = true): DiskPath {
  const eq = text.lastIndexOf('=');
  const path = eq < 0 ? text : text.slice(0, eq);
  const role = eq < 0 ? 'nodefs' : text.slice(eq + 1);
  if (!path.startsWith('/')) throw new UsageError(`--disk-path ${text}: the path must be absolute`);
  if (!(DISK_ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--disk-path ${text}: role must be one of ${DISK_ROLES.join(', ')}`);
  }
  return { path, role: role as FilesystemRole, explicit };
}

/** "10.96.0.10", "10.96.0.10:5353", "[fd00::a]:53", "fd00::a". */
export function parseDnsServer(text: string): DnsServerAddress {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(text);
  const bareV6 = /^[0-9a-fA-F:]+$/.test(text) && text.includes(':') ? [text, text, undefined] : null;
  const match = bracketed ?? v4 ?? bareV6;
  const port = match?.[2] === undefined ? DNS_PORT : Number(match[2]);
  // The patterns only pick the shape apart; isIP rejects 999.1.1.1, ":53" and other non-addresses.
  if (!match?.[1] || isIP(match[1]) === 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`--dns-server ${text}: expected IP[:PORT], e.g. 10.96.0.10 or 127.0.0.1:5353`);
  }
  return { host: match[1], port };
}

function url(flags: ParsedFlags, name: string): string | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  try {
    const parsed = new URL(text);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--${name} ${text}: expected an http:// or https:// URL`);
  }
  return text;
}

/** "collector.nodedoc:50051", "10.0.0.5:50051", "[fd00::5]:50051": a host is required, and a port. */
function collectorTarget(flags: ParsedFlags): string | undefined {
  const text = flags.string('collector');
  if (text === undefined) return undefined;
  const address = parseListenAddress(text);
  if (!address?.host || address.port < 1) {
    throw new UsageError(
      `--collector ${text}: expected HOST:PORT, e.g. nodedoc-collector:50051 or 10.0.0.5:50051`,
    );
  }
  return formatListenAddress(address);
}

function spoolMaxBytes(flags: ParsedFlags): number {
  const text = flags.string('spool-max-bytes') ?? DEFAULT_SPOOL_MAX_BYTES;
  const bytes = parseBytes(text);
  if (bytes === undefined || bytes < MIN_SPOOL_MAX_BYTES) {
    throw new UsageError(
      `--spool-max-bytes ${text}: expected a size of at least ${formatBytes(MIN_SPOOL_MAX_BYTES)}, e.g. 64Mi`,
    );
  }
  return bytes;
}

/** All three TLS flags or none; with them, the files must make a usable client identity and CA. */
function tlsFiles(flags: ParsedFlags, collector: string | undefined, once: boolean): TlsFiles | undefined {
  const names = ['tls-cert', 'tls-key', 'tls-ca'] as const;
  const given = names.filter((name) => flags.given(name));
  if (given.length === 0) return undefined;
  if (given.length < names.length) {
    const missing = names.filter((name) => !given.includes(name)).map((name) => `--${name}`);
    throw new UsageError(`--tls-cert, --tls-key and --tls-ca go together: ${missing.join(' and ')} missing`);
  }
  const files = {
    certPath: flags.string('tls-cert') ?? '',
    keyPath: flags.string('tls-key') ?? '',
    caPath: flags.string('tls-ca') ?? '',
  };
  // --once never connects: TLS settings from the environment (a DaemonSet's) must not stop a one-off look.
  if (once) return files;
  if (collector === undefined) throw new UsageError('--tls-cert, --tls-key and --tls-ca need --collector');
  try {
    checkTlsFiles(files);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return files;
}

export function buildAgentConfig(flags: ParsedFlags, env: NodeJS.ProcessEnv): AgentConfig {
  const once = flags.boolean('once');
  const json = flags.boolean('json');
  if (json && !once)
    throw new UsageError('--json only applies to --once (continuous mode logs JSON already)');

  const logLevel = flags.string('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level ${logLevel}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const hostRoot = flags.string('host-root') ?? '/';
  if (!hostRoot.startsWith('/')) throw new UsageError(`--host-root ${hostRoot}: the path must be absolute`);

  // Like the kubelet, which lower-cases the hostname for the node name (node names are DNS-1123).
  const nodeName = flags.string('node-name') ?? env.NODE_NAME ?? hostname().toLowerCase();
  if (nodeName.trim() === '') throw new UsageError('--node-name must not be empty');

  const diskPaths = flags.given('disk-path')
    ? flags.list('disk-path').map((text) => parseDiskPath(text))
    : DEFAULT_DISK_PATHS.map((text) => parseDiskPath(text, false));
  const kubeletUrl = url(flags, 'kubelet-healthz-url');
  const certPath = flags.string('kubelet-client-cert');
  const metricsText = flags.string('metrics-listen') ?? DEFAULT_METRICS_LISTEN;
  const metricsListen = parseListenAddress(metricsText);
  if (!metricsListen) throw new UsageError(`--metrics-listen ${metricsText}: expected HOST:PORT or :PORT`);
  const collector = collectorTarget(flags);

  return {
    once,
    json,
    intervalMs: duration(flags, 'interval', once ? DEFAULT_ONCE_GAP : DEFAULT_INTERVAL, MIN_INTERVAL_MS),
    hostRoot,
    nodeName: nodeName.trim(),
    diskPaths,
    kubeletConfigPath: flags.string('kubelet-config') ?? DEFAULT_KUBELET_CONFIG,
    dnsServers: flags.list('dns-server').map(parseDnsServer),
    dnsNames: flags.list('dns-name').map((name) => (name.endsWith('.') ? name : `${name}.`)),
    dnsProbeUpstream: flags.boolean('dns-probe-upstream'),
    clusterDomain: flags.string('cluster-domain'),
    dnsTimeoutMs: duration(flags, 'dns-timeout', DEFAULT_DNS_TIMEOUT),
    dnsWindowMs: duration(flags, 'dns-window', DEFAULT_DNS_WINDOW),
    kubeletHealthzUrl: {
      value: kubeletUrl ?? DEFAULT_KUBELET_HEALTHZ_URL,
      explicit: kubeletUrl !== undefined,
    },
    criSocket: flags.string('cri-socket'),
    apiserverUrl: url(flags, 'apiserver-url'),
    kubeletClientCert: { value: certPath ?? DEFAULT_KUBELET_CLIENT_CERT, explicit: certPath !== undefined },
    probeTimeoutMs: duration(flags, 'probe-timeout', DEFAULT_PROBE_TIMEOUT),
    rediscoverMs: duration(flags, 'rediscover-interval', DEFAULT_REDISCOVER_INTERVAL, 0),
    eventHoldMs: duration(flags, 'event-hold', DEFAULT_EVENT_HOLD, 0),
    spoolDir: flags.string('spool-dir'),
    collector,
    spoolMaxBytes: spoolMaxBytes(flags),
    tls: tlsFiles(flags, collector, once),
    metricsListen,
    logLevel,
    thresholds: parseThresholds(flags.list('threshold')),
  };
}
