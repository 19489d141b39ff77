/**
 * A real Alertmanager (Debian's prometheus-alertmanager) for tests: on 127.0.0.1, gossip off, a temporary
 * storage directory and a configuration whose only receiver notifies nobody. Alerts are read back with amtool,
 * the way an operator would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { killOnExit, stablePort } from './collector-process.js';
import { waitFor } from './wait-for.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
export const AMTOOL_BIN = 'amtool';
/** Alertmanager is up in well under a second here; this only bounds a broken start. */
const START_TIMEOUT_MS = 20_000;
/** It shuts down cleanly on SIGTERM (snapshots its storage); SIGKILL after this in case it hangs. */
const STOP_GRACE_MS = 5_000;
/** amtool's own default is 30 s; a loopback Alertmanager answers in milliseconds. */
const AMTOOL_TIMEOUT = '10s';

/** Routes everything to a receiver with no integrations: alerts are stored and shown, never sent anywhere. */
const CONFIG = `route:
  receiver: 'null'
receivers:
  - name: 'null'
`;

/** An alert as `amtool alert query -o json` prints it (the v2 API's GettableAlert). */
export interface AmtoolAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly status: { readonly state: string };
}

const execFileAsync = promisify(execFile);

export class Alertmanager {
  private stderr = '';
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Starts one on a free port below the ephemeral range, so `restart` can bring it back on the same one. */
  static async start(): Promise<Alertmanager> {
    const dir = mkdtempSync(join(tmpdir(), 'nodedoc-alertmanager-'));
    writeFileSync(join(dir, 'alertmanager.yml'), CONFIG);
    const alertmanager = new Alertmanager(await stablePort(), dir);
    try {
      await alertmanager.launch();
    } catch (error) {
      await alertmanager.dispose();
      throw error;
    }
    return alertmanager;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Active alerts (amtool's default: neither resolved, silenced nor inhibited), optionally filtered by matchers. */
  async activeAlerts(matchers: readonly string[] = []): Promise<AmtoolAlert[]> {
    const { stdout } = await execFileAsync(AMTOOL_BIN, [
      'alert',
      'query',
      `--alertmanager.url=${this.url}`,
      `--timeout=${AMTOOL_TIMEOUT}`,
      '-o',
      'json',
      ...matchers,
    ]);
    return JSON.parse(stdout) as AmtoolAlert[];
  }

  /** Stops it (its storage stays, like a process restart), waiting until it exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  }

  /** Starts it again on the same port and storage. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Starts it again on the same port with empty storage: no alerts, no silences. */
  async reset(): Promise<void> {
    await this.stop();
    rmSync(join(this.dir, 'data'), { recursive: true, force: true });
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.stderr = '';
    const child = spawn(
      ALERTMANAGER_BIN,
      [
        `--config.file=${join(this.dir, 'alertmanager.yml')}`,
        `--storage.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        // Empty: no HA gossip, so nothing listens beyond the one loopback port.
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    killOnExit(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.child = child;
    await waitFor(
      `alertmanager to be ready on 127.0.0.1:${this.port}`,
      async () => {
        if (!this.running) throw new Error(`alertmanager exited: ${this.stderr}`);
        const response = await fetch(`${this.url}-/ready`);
        await response.text();
        return response.ok ? true : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 },
      () => this.stderr,
    );
  }
}
