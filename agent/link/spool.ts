import type { Logger } from 'pino';
import { formatBytes } from '../../common/bytes.js';
import { newEpoch } from './epoch.js';
import { MAX_REPORT_BYTES, RECORD_HEADER_BYTES, type SpoolRecord } from './spool-record.js';
import { type SegmentSummary, SpoolCorruptionError, type SpoolStorage } from './spool-storage.js';

/** Segments are at most this big: deleting one frees this much, dropping one loses at most this much. */
const SEGMENT_MAX_BYTES = 1024 * 1024;
/** ...and at most this share of the cap, so a small cap still drops in small steps. */
const SEGMENTS_PER_CAP = 8;
/** A drop episode (one warning) ends once the spool has drained to this share of its cap. */
const DROP_EPISODE_END_RATIO = 0.5;
/** The smallest cap: a few segments of a few large reports. */
export const MIN_SPOOL_MAX_BYTES = 256 * 1024;

/** A report the spool refuses (too large to ever send). */
export class SpoolError extends Error {}

/** What the spool tells metrics. */
export interface SpoolObserver {
  /** After every change: bytes held (record headers included) and reports not yet acknowledged. */
  size(bytes: number, reports: number): void;
  /** Reports dropped unsent to stay under the cap (or lost to corruption), up to `through`. */
  dropped(reports: number, through: bigint): void;
}

export interface SpoolOptions {
  readonly storage: SpoolStorage;
  readonly maxBytes: number;
  readonly logger: Logger;
  readonly observer?: SpoolObserver;
}

interface Segment {
  readonly first: bigint;
  last: bigint;
  records: number;
  bytes: number;
}

/**
 * The write-ahead spool of reports. Every report gets the next sequence of the spool's epoch and is
 * stored before it may be sent; acknowledgements release reports; whole segments are deleted once
 * released (the released sequence persisted first). Over the cap, the oldest segments go first, whether
 * sent or not, counted and logged once per episode. Sequences strictly increase and are never reused:
 * the next one is above both the last record and the last released sequence, which survive restarts.
 *
 * Operations run one at a time, in call order (appends, acks and reads interleave from the sampling loop
 * and the link).
 *
 * Recovery cuts a segment at its first bad record. A record torn by a crash mid-write was never sent (the
 * link sends only what append() resolved), so its sequence may be handed out again. A record cut for rot
 * may have been sent: if the collector stored it, its Welcome says so and ack() moves numbering above it.
 */
export class Spool {
  private queue: Promise<unknown> = Promise.resolve();
  /** Set while reports are being dropped; ends when the spool drains to half its cap. */
  private dropEpisode: { reports: number } | undefined;
  private readonly segmentTarget: number;
  /**
   * The last record appended, kept so that a link that keeps up sends each report without reading it
   * back from disk. One report: a few KiB.
   */
  private tail: SpoolRecord | undefined;

  private constructor(
    private readonly options: SpoolOptions,
    readonly epoch: string,
    private readonly segments: Segment[],
    private released: bigint,
    private last: bigint,
  ) {
    this.segmentTarget = Math.min(SEGMENT_MAX_BYTES, Math.floor(options.maxBytes / SEGMENTS_PER_CAP));
  }

  static async open(options: SpoolOptions): Promise<Spool> {
    const { storage, logger } = options;
    const recovered = await storage.recover();
    for (const repair of recovered.repairs)
      logger.warn({ spool: storage.location, repair }, 'spool repaired');
    const segments = recovered.segments.map((segment: SegmentSummary) => ({ ...segment }));
    let { state } = recovered;
    if (state === undefined && segments.length > 0) {
      logger.warn(
        { spool: storage.location, reports: segments.reduce((sum, segment) => sum + segment.records, 0) },
        'spool state missing: the stored reports continue under a new epoch',
      );
    }
    if (state === undefined) {
      // A new spool, or one whose state file is gone: what the segments hold is kept and sent under a new
      // epoch (the collector then sees a gap before the first of them, which is the truth: older reports
      // of that space never reach it).
      state = { epoch: newEpoch(), released: (segments[0]?.first ?? 1n) - 1n };
      await storage.saveState(state);
    }
    const last = segments.reduce(
      (high, segment) => (segment.last > high ? segment.last : high),
      state.released,
    );
    const spool = new Spool(options, state.epoch, segments, state.released, last);
    await spool.removeReleased();
    spool.publishSize();
    return spool;
  }

  /** The highest sequence handed out (or known to the collector); the next append gets one more. */
  get lastSequence(): bigint {
    return this.last;
  }

  /** Everything up to here is acknowledged or dropped. */
  get releasedSequence(): bigint {
    return this.released;
  }

  /** Reports stored and not yet acknowledged. */
  get pendingReports(): number {
    return this.last > this.released ? Number(this.last - this.released) : 0;
  }

  get bytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.bytes, 0);
  }

  /**
   * Stores one report under the next sequence; `encode` makes its payload knowing the sequence. Resolves
   * with the sequence once the report is durable (on disk: fdatasync'd). Throws SpoolError for a report
   * too large to send, and storage errors (disk full) after cutting any partial write.
   */
  append(encode: (sequence: bigint) => Buffer): Promise<bigint> {
    return this.serially(async () => {
      const sequence = this.last + 1n;
      const payload = encode(sequence);
      if (payload.length > MAX_REPORT_BYTES) {
        throw new SpoolError(
          `report ${sequence} is ${formatBytes(payload.length)}, over the ${formatBytes(MAX_REPORT_BYTES)} a report may take`,
        );
      }
      const recordBytes = RECORD_HEADER_BYTES + payload.length;
      const active = this.segments.at(-1);
      // A segment holds contiguous sequences (the last one can be behind after an ack past it) and rolls
      // over at its target size.
      const fresh =
        active === undefined ||
        active.last !== this.last ||
        (active.records > 0 && active.bytes + recordBytes > this.segmentTarget);
      const segment = fresh ? sequence : active.first;
      await this.options.storage.append(segment, { sequence, payload }, fresh);
      if (fresh || active === undefined) {
        this.segments.push({ first: sequence, last: sequence, records: 1, bytes: recordBytes });
      } else {
        active.last = sequence;
        active.records += 1;
        active.bytes += recordBytes;
      }
      this.last = sequence;
      this.tail = { sequence, payload };
      await this.removeReleased();
      await this.enforceCap();
      this.publishSize();
      return sequence;
    });
  }

  /**
   * Releases everything up to `sequence` (the collector stored it). Returns how many stored reports that
   * released. A sequence above the last one handed out means the collector knows this epoch further than
   * this spool (a spool directory restored from an old copy): the next sequence then starts above it, so
   * nothing new is mistaken for something the collector already has.
   */
  ack(sequence: bigint): Promise<number> {
    return this.serially(async () => {
      if (sequence <= this.released) return 0;
      const released = Number((sequence < this.last ? sequence : this.last) - this.released);
      const beyond = sequence > this.last;
      if (beyond) this.last = sequence;
      this.released = sequence;
      // Past the last record, only the state file remembers the new floor: it is written now, or a
      // restart would number from below it again.
      if (beyond) await this.options.storage.saveState({ epoch: this.epoch, released: this.released });
      await this.removeReleased();
      this.publishSize();
      return Math.max(released, 0);
    });
  }

  /**
   * Stored reports above `after` (and above what is released), oldest first, up to `maxBytes` of payload
   * and `maxReports` (at least one when any is there). Read from storage, not kept in memory.
   */
  read(after: bigint, maxBytes: number, maxReports: number): Promise<SpoolRecord[]> {
    return this.serially(async () => {
      let from = after > this.released ? after : this.released;
      const { tail } = this;
      if (
        tail !== undefined &&
        tail.sequence === from + 1n &&
        tail.sequence === this.last &&
        maxReports > 0
      ) {
        return [tail];
      }
      const records: SpoolRecord[] = [];
      let bytes = 0;
      for (const segment of [...this.segments]) {
        if (segment.last <= from) continue;
        if (records.length >= maxReports || bytes >= maxBytes) break;
        let found: SpoolRecord[];
        try {
          found = await this.options.storage.read(
            segment.first,
            from,
            maxBytes - bytes,
            maxReports - records.length,
            records.length === 0,
          );
        } catch (error) {
          if (!(error instanceof SpoolCorruptionError)) throw error;
          await this.dropCorrupt(segment, error);
          continue;
        }
        for (const record of found) {
          records.push(record);
          bytes += record.payload.length;
          from = record.sequence;
        }
        if (found.length === 0 || from < segment.last) break;
      }
      return records;
    });
  }

  /** Persists the released sequence and closes the storage; later calls fail. */
  close(): Promise<void> {
    return this.serially(async () => {
      await this.options.storage.saveState({ epoch: this.epoch, released: this.released });
      await this.options.storage.close();
    });
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Deletes fully released segments, the released sequence persisted first (a crash in between leaves
   * segments that the next start deletes, never a sequence that could be handed out twice). The segment
   * being appended to stays until it rolls over, unless the sequence moved past it.
   */
  private async removeReleased(): Promise<void> {
    const removable = this.segments.filter(
      (segment, index) =>
        segment.last <= this.released && (index < this.segments.length - 1 || segment.last !== this.last),
    );
    if (removable.length === 0) return;
    await this.options.storage.saveState({ epoch: this.epoch, released: this.released });
    for (const segment of removable) {
      await this.options.storage.remove(segment.first);
      this.segments.splice(this.segments.indexOf(segment), 1);
    }
  }

  /** Drops the oldest segments while over the cap; the newest segment always stays. */
  private async enforceCap(): Promise<void> {
    const { maxBytes, logger, observer, storage } = this.options;
    let held = this.bytes;
    while (held > maxBytes && this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const lost = this.unreleasedIn(oldest);
      if (oldest.last > this.released) {
        this.released = oldest.last;
        await storage.saveState({ epoch: this.epoch, released: this.released });
      }
      await storage.remove(oldest.first);
      this.segments.shift();
      held -= oldest.bytes;
      if (lost === 0) continue;
      observer?.dropped(lost, oldest.last);
      if (this.dropEpisode === undefined) {
        this.dropEpisode = { reports: 0 };
        logger.warn(
          {
            spool: storage.location,
            cap: formatBytes(maxBytes),
            dropped: lost,
            through: oldest.last.toString(),
          },
          'spool full: dropping the oldest unsent reports (warned once until it drains to half)',
        );
      }
      this.dropEpisode.reports += lost;
    }
  }

  /** A segment that failed its checksums when read back: its unreleased reports are lost. */
  private async dropCorrupt(segment: Segment, error: SpoolCorruptionError): Promise<void> {
    const lost = this.unreleasedIn(segment);
    this.options.logger.error(
      { spool: this.options.storage.location, err: error.message, dropped: lost },
      'spool segment corrupt: its unsent reports are lost',
    );
    if (segment.last > this.released) {
      this.released = segment.last;
      await this.options.storage.saveState({ epoch: this.epoch, released: this.released });
    }
    await this.options.storage.remove(segment.first);
    this.segments.splice(this.segments.indexOf(segment), 1);
    if (lost > 0) this.options.observer?.dropped(lost, segment.last);
    this.publishSize();
  }

  private unreleasedIn(segment: Segment): number {
    if (segment.last <= this.released) return 0;
    const from = segment.first - 1n > this.released ? segment.first - 1n : this.released;
    return Number(segment.last - from);
  }

  private publishSize(): void {
    const bytes = this.bytes;
    this.options.observer?.size(bytes, this.pendingReports);
    if (this.dropEpisode && bytes <= this.options.maxBytes * DROP_EPISODE_END_RATIO) {
      this.options.logger.info(
        { spool: this.options.storage.location, dropped: this.dropEpisode.reports },
        'spool drained below half its cap; reports dropped while it was full',
      );
      this.dropEpisode = undefined;
    }
  }
}
