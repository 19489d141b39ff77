import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { shebangNodeFlags } from '../../common/shebang-flags.js';
import { freePort } from './free-port.js';
import { type ProcessUsage, readProcessUsage } from './process-usage.js';

const COLLECTOR_BIN = fileURLToPath(new URL('../../collector/main.js', import.meta.url));
/** The collector's peer for the max-rate runs (transport-floor-server.ts). */
const FLOOR_BIN = fileURLToPath(new URL('./transport-floor-server.js', import.meta.url));

/** What to start: the real collector, or the transport floor that only decodes and acks. */
export type ServerUnderTest = 'collector' | 'transport-floor';
const READY_TIMEOUT_MS = 20_000;
const READY_POLL_MS = 50;
/** The collector drains streams for up to 10 s on SIGTERM (SHUTDOWN_GRACE_MS); past this it is killed. */
const STOP_TIMEOUT_MS = 20_000;

/**
 * One real collector process (the built `dist/collector/main.js`, with the Node flags of its shebang) on
 * loopback ports and a fresh data directory of its own: each benchmark run measures a collector that has
 * seen nothing else, so its peak RSS (VmHWM) belongs to that run alone.
 */
export class CollectorUnderTest {
  private constructor(
    private readonly child: ChildProcess,
    readonly grpcTarget: string,
    readonly httpBase: string,
    private readonly dataDir: string,
  ) {}

  /**
   * Starts it and resolves once /readyz answers 200 (store open, health SERVING). `nodeFlags` replace the
   * shebang's Node flags (e.g. --cpu-prof to profile it).
   */
  static async start(
    parentDir: string | undefined,
    nodeFlags?: readonly string[],
    server: ServerUnderTest = 'collector',
  ): Promise<CollectorUnderTest> {
    const program = server === 'collector' ? COLLECTOR_BIN : FLOOR_BIN;
    const dataDir = mkdtempSync(join(parentDir ?? tmpdir(), 'nodedoc-bench-collector-'));
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [
        // The floor runs with the collector's Node flags too: the same V8 settings on both sides.
        ...(nodeFlags ?? shebangNodeFlags(COLLECTOR_BIN)),
        program,
        '--grpc-listen',
        `127.0.0.1:${grpcPort}`,
        '--http-listen',
        `127.0.0.1:${httpPort}`,
        '--data-dir',
        dataDir,
      ],
      // The JSON log (stdout) is written as in production, and thrown away; one-line errors show.
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const collector = new CollectorUnderTest(
      child,
      `127.0.0.1:${grpcPort}`,
      `http://127.0.0.1:${httpPort}`,
      dataDir,
    );
    try {
      await collector.ready();
    } catch (error) {
      await collector.stop();
      throw error;
    }
    return collector;
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`the collector exited with ${this.child.exitCode} while starting`);
      try {
        if ((await fetch(`${this.httpBase}/readyz`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(`the collector was not ready within ${READY_TIMEOUT_MS}ms`);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** CPU time and memory of the collector process so far (procfs). */
  usage(): ProcessUsage {
    if (this.child.pid === undefined || !this.running) throw new Error('the collector is not running');
    return readProcessUsage(this.child.pid);
  }

  /** SIGTERM (SIGKILL if it does not exit in time), then removes its data directory. Idempotent. */
  async stop(): Promise<void> {
    if (this.running) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** For a signal handler that must not wait: kill now, remove the data directory. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
