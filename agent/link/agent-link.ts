import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent-config.js';
import type { Inventory } from '../inventory.js';
import type { AgentReport } from '../report.js';
import { CollectorLink } from './collector-link.js';
import { DiskSpoolStorage } from './disk-spool-storage.js';
import { loadLinkCodec } from './link-codec.js';
import type { LinkObserver } from './link-observer.js';
import { LINK_DEFAULTS, type LinkTuning } from './link-tuning.js';
import { MemorySpoolStorage } from './memory-spool-storage.js';
import { encodeHello, encodeReport } from './report-encoding.js';
import { Spool } from './spool.js';
import { readTlsMaterial } from './tls-files.js';

/** The spool's directory under --spool-dir (the boot-id state lives next to it). */
export const SPOOL_SUBDIR = 'reports';
/** An interval the collector asks for is taken within these bounds; anything else is ignored. */
const MIN_SETTINGS_INTERVAL_MS = 100;
const MAX_SETTINGS_INTERVAL_MS = 10 * 60_000;

export interface AgentLinkOptions {
  readonly config: AgentConfig & { readonly collector: string };
  readonly inventory: Inventory;
  readonly logger: Logger;
  readonly observer: LinkObserver;
  /** The sampling interval now in force. */
  readonly intervalMs: () => number;
  /** The collector asked for another interval (already checked against sane bounds). */
  readonly onInterval: (intervalMs: number) => void;
  readonly tuning?: LinkTuning;
}

/**
 * The agent's side of the collector link, put together: the codec, the spool (on disk under --spool-dir,
 * else in memory) and the collector link. The sampling loop hands it every report; it is stored, then
 * streamed. grpc-js and proto-loader are loaded here, only when --collector is given.
 */
export class AgentLink {
  private bootId = '';
  private spoolFailing = false;

  private constructor(
    private readonly options: AgentLinkOptions,
    private readonly spool: Spool,
    private readonly encode: (report: AgentReport, sequence: bigint) => Buffer,
    private readonly link: CollectorLink,
  ) {}

  static async start(options: AgentLinkOptions): Promise<AgentLink> {
    const { config, logger, observer } = options;
    const tuning = options.tuning ?? LINK_DEFAULTS;
    const [grpc, codec] = await Promise.all([import('@grpc/grpc-js'), loadLinkCodec()]);
    const credentials = config.tls
      ? (() => {
          const { ca, key, cert } = readTlsMaterial(config.tls);
          return grpc.credentials.createSsl(ca, key, cert);
        })()
      : grpc.credentials.createInsecure();
    const storage = config.spoolDir
      ? new DiskSpoolStorage(join(config.spoolDir, SPOOL_SUBDIR))
      : new MemorySpoolStorage();
    const spool = await Spool.open({ storage, maxBytes: config.spoolMaxBytes, logger, observer });
    if (!storage.durable) {
      logger.warn(
        { cap: config.spoolMaxBytes },
        'no --spool-dir: reports the collector has not acknowledged are kept in memory and die with the process',
      );
    }
    let agentLink: AgentLink | undefined;
    const link = new CollectorLink({
      grpc,
      target: config.collector,
      credentials,
      spool,
      codec,
      hello: () =>
        encodeHello({
          nodeName: config.nodeName,
          bootId: agentLink?.bootId ?? '',
          inventory: options.inventory,
          epoch: spool.epoch,
          intervalMs: options.intervalMs(),
        }),
      intervalMs: options.intervalMs,
      onSettings: (intervalMs) => agentLink?.applyInterval(intervalMs),
      logger,
      observer,
      tuning,
    });
    logger.info(
      {
        collector: config.collector,
        tls: config.tls !== undefined,
        spool: storage.location,
        epoch: spool.epoch,
        pending: spool.pendingReports,
      },
      'collector link configured',
    );
    agentLink = new AgentLink(
      options,
      spool,
      (report, sequence) => codec.report(encodeReport(report, sequence)),
      link,
    );
    return agentLink;
  }

  /** Reports stored and not yet acknowledged. */
  get pendingReports(): number {
    return this.spool.pendingReports;
  }

  get up(): boolean {
    return this.link.up;
  }

  /**
   * Stores the report in the spool (durably, before anything is sent), then lets the link send it. The
   * link connects on the first report, so its Hello carries the boot id. A report the spool cannot take
   * (disk full) is lost; that is logged once per episode.
   */
  async submit(report: AgentReport): Promise<void> {
    this.bootId = report.bootId ?? '';
    try {
      await this.spool.append((sequence) => this.encode(report, sequence));
      if (this.spoolFailing) {
        this.spoolFailing = false;
        this.options.logger.info({ spool: this.spoolLocation() }, 'spool writable again');
      }
    } catch (error) {
      if (!this.spoolFailing) {
        this.spoolFailing = true;
        this.options.logger.error(
          { err: error, spool: this.spoolLocation() },
          'cannot spool a report: it is lost (logged once until the spool takes reports again)',
        );
      }
    }
    this.link.start();
    this.link.notify();
  }

  /** Waits for the collector to acknowledge everything, at most `timeoutMs`; true when it did. */
  flush(timeoutMs: number): Promise<boolean> {
    return this.link.flush(timeoutMs);
  }

  /** Closes the stream and the channel, then the spool (what is left stays on disk for the next start). */
  async close(): Promise<void> {
    await this.link.close();
    await this.spool.close();
  }

  private spoolLocation(): string {
    return this.options.config.spoolDir ? join(this.options.config.spoolDir, SPOOL_SUBDIR) : 'memory';
  }

  private applyInterval(intervalMs: number): void {
    const current = this.options.intervalMs();
    if (intervalMs === current) return;
    if (!(intervalMs >= MIN_SETTINGS_INTERVAL_MS && intervalMs <= MAX_SETTINGS_INTERVAL_MS)) {
      this.options.logger.warn(
        { asked: intervalMs, min: MIN_SETTINGS_INTERVAL_MS, max: MAX_SETTINGS_INTERVAL_MS },
        'ignoring an interval from the collector outside sane bounds',
      );
      return;
    }
    this.options.logger.info({ from: current, to: intervalMs }, 'sampling interval set by the collector');
    this.options.onInterval(intervalMs);
  }
}
