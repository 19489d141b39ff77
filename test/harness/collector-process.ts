import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_TIMELINE_LIMIT } from '../../collector/query/timeline-window.js';
import type { IngestJson, NodeDetailJson, TimelinePointJson } from '../../common/api/http-v1.js';
import { shebangNodeFlags } from '../../common/shebang-flags.js';
import { type MetricSample, parseExposition } from './metrics-text.js';
import { waitFor } from './wait-for.js';

/**
 * The built collector (`dist/collector/main.js`) as a real process on loopback, for tests that crash it,
 * freeze it and restart it under a real agent: start it on a temp data dir, SIGTERM/SIGKILL/SIGSTOP/SIGCONT
 * it, restart it on the same data dir and gRPC port, and read its HTTP API and metrics.
 *
 * Every collector started here is also killed when the test process exits, frozen ones thawed first
 * (a stopped process does not act on SIGTERM; SIGKILL works, but its sockets would linger until then).
 */

export const COLLECTOR_BIN = fileURLToPath(new URL('../../dist/collector/main.js', import.meta.url));

const START_TIMEOUT_MS = 20_000;
/** SIGTERM drains streams for up to the collector's SHUTDOWN_GRACE_MS (10 s); this leaves room over it. */
const STOP_TIMEOUT_MS = 20_000;
/** Ports tried before giving up on finding a free one outside the ephemeral range. */
const PORT_ATTEMPTS = 50;

/** Processes to end when the test process exits, however it exits. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Kills `child` (thawing it first) if it is still running when this process exits: a test that fails,
 * times out or is interrupted must not leave programs behind. Also used for the agents next to a collector.
 */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const process of running) {
      if (process.exitCode !== null || process.signalCode !== null) continue;
      process.kill('SIGCONT');
      process.kill('SIGKILL');
    }
  });
}

function ephemeralRange(): [number, number] {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  return [low ?? 32_768, high ?? 60_999];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port BELOW the kernel's ephemeral range. A collector that is killed and restarted must
 * come back on the same port while its agents keep dialling it; a port from the ephemeral range could be
 * handed meanwhile to any socket on the machine (a port-0 listener, or the source port of an outgoing
 * connection), the agent's own reconnect attempts included. Ports outside the range never are.
 */
export async function stablePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 10_000;
  const ceiling = Math.max(floor + 1_000, low);
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = floor + Math.floor(Math.random() * (ceiling - floor));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found in [${floor}, ${ceiling})`);
}

export interface CollectorProcessOptions {
  /** Data directory; default a fresh temp dir, removed by dispose(). */
  readonly dataDir?: string;
  /** gRPC port on 127.0.0.1; default 0 (the kernel's choice). Pass stablePort() to restart on it. */
  readonly grpcPort?: number;
  readonly httpPort?: number;
  readonly logLevel?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface HttpAnswer<T> {
  readonly status: number;
  readonly body: T;
}

export class CollectorProcess {
  private stdoutBuffer = '';
  private readonly lines: Record<string, unknown>[] = [];
  private stderrText = '';
  private readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  grpcPort = 0;
  httpPort = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    /** Whether this harness made the data dir (and dispose() removes it); a restart hands it on. */
    private ownsDataDir: boolean,
    private readonly options: CollectorProcessOptions,
  ) {
    this.exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.stdoutBuffer += chunk.toString();
      const parts = this.stdoutBuffer.split('\n');
      this.stdoutBuffer = parts.pop() ?? '';
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part) as Record<string, unknown>);
        } catch {
          this.lines.push({ unparsed: part });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
    });
  }

  /** Starts the collector and resolves once it listens and its store is open (health SERVING). */
  static async start(options: CollectorProcessOptions = {}): Promise<CollectorProcess> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'nodedoc-collector-process-'));
    const child = spawn(
      process.execPath,
      [
        ...shebangNodeFlags(COLLECTOR_BIN),
        COLLECTOR_BIN,
        '--grpc-listen',
        `127.0.0.1:${options.grpcPort ?? 0}`,
        '--http-listen',
        `127.0.0.1:${options.httpPort ?? 0}`,
        '--data-dir',
        dataDir,
        '--log-level',
        options.logLevel ?? 'info',
      ],
      // No cluster unless a test asks for one: a CI job in a pod must not post Events to its own cluster.
      {
        env: { ...process.env, NODEDOC_KUBERNETES: 'off', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    killOnExit(child);
    const collector = new CollectorProcess(child, dataDir, ownsDataDir, options);
    try {
      await collector.ready();
    } catch (error) {
      await collector.kill();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    return collector;
  }

  private async ready(): Promise<void> {
    const listening = await waitFor(
      'the collector to listen and open its store',
      () => {
        if (this.child.exitCode !== null) {
          throw new Error(`collector exited ${this.child.exitCode}: ${this.stderrText}`);
        }
        return this.logged('store open; serving') ? this.logged('collector listening') : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 },
      () => this.stderrText,
    );
    this.grpcPort = portOf(String(listening.grpc));
    this.httpPort = portOf(String(listening.http));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the collector has no pid');
    return this.child.pid;
  }

  /** HOST:PORT for an agent's --collector or a gRPC client. */
  get grpcTarget(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  get httpBase(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Every JSON log line so far. */
  logs(): readonly Record<string, unknown>[] {
    return this.lines;
  }

  /** The first log line with this message. */
  logged(msg: string): Record<string, unknown> | undefined {
    return this.lines.find((line) => line.msg === msg);
  }

  stderr(): string {
    return this.stderrText;
  }

  /** GET a path of the HTTP API; the body parsed as JSON. */
  async get<T>(path: string): Promise<HttpAnswer<T>> {
    const response = await fetch(`${this.httpBase}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  /** GET /api/v1/nodes/{node}; undefined for 404 (not seen yet), throws on anything else. */
  async node(name: string): Promise<NodeDetailJson | undefined> {
    const answer = await this.get<NodeDetailJson>(`/api/v1/nodes/${encodeURIComponent(name)}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200)
      throw new Error(`node ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** The node's ingest figures, or undefined before its first Hello. */
  async ingest(name: string): Promise<IngestJson | undefined> {
    return (await this.node(name))?.ingest;
  }

  /** Every timeline point of the node sampled in the last hour (the API's default window), oldest first. */
  async timeline(name: string): Promise<TimelinePointJson[]> {
    const answer = await this.get<{ points: TimelinePointJson[] }>(
      `/api/v1/nodes/${encodeURIComponent(name)}/timeline?limit=${MAX_TIMELINE_LIMIT}`,
    );
    if (answer.status !== 200) {
      throw new Error(`timeline of ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer.body.points;
  }

  async metrics(): Promise<MetricSample[]> {
    const response = await fetch(`${this.httpBase}/metrics`);
    if (response.status !== 200) throw new Error(`GET /metrics: HTTP ${response.status}`);
    return parseExposition(await response.text());
  }

  /** Sends SIGTERM (or the given signal) and resolves with the exit code once it exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGCONT');
      this.child.kill(signal);
    }
    const [code] = await withTimeout(this.exited, STOP_TIMEOUT_MS, 'the collector to exit');
    return code;
  }

  /** SIGKILL: a crash. Nothing is flushed or closed; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await withTimeout(this.exited, STOP_TIMEOUT_MS, 'the collector to die');
  }

  /** SIGSTOP: the process stays, its sockets stay open, and nothing answers (a hung node). */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  thaw(): void {
    this.child.kill('SIGCONT');
  }

  /**
   * A new collector process on the same data dir and gRPC port (HTTP port too unless it was 0), after this
   * one exited. The data dir passes to the new process (its dispose() removes it, if this harness made it).
   */
  async restart(): Promise<CollectorProcess> {
    if (this.running) throw new Error('restart() needs the collector to have exited (stop() or kill())');
    const next = await CollectorProcess.start({
      ...this.options,
      dataDir: this.dataDir,
      grpcPort: this.grpcPort,
      httpPort: this.options.httpPort ?? 0,
    });
    next.ownsDataDir = this.ownsDataDir;
    this.ownsDataDir = false;
    return next;
  }

  /** Kills the process if it still runs (thawing it first) and removes the temp data dir it made. */
  async dispose(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGCONT');
      await this.kill();
    }
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function portOf(address: string): number {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in listen address ${address}`);
  return port;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
