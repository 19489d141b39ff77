import type { Logger } from 'pino';
import type { HostPaths } from '../host/host-paths.js';
import { readText, readTextIfExists } from '../host/read-text.js';
import { parseUptime } from '../parsers/uptime.js';
import { parseOomKills } from '../parsers/vmstat.js';
import type { KernelSample } from '../sample-types.js';
import { EventHold } from './event-hold.js';
import { matchKernelMessage } from './kernel-patterns.js';
import { KERNEL_FACILITY } from './kmsg-record.js';
import { type KmsgSource, openKmsg } from './kmsg-source.js';

/**
 * Records handled per cycle at most. The ring buffer of a busy node holds a few thousand; the cap only
 * bites in a log storm, and the rest is read next cycle (or lost to EPIPE, which is counted).
 */
export const MAX_RECORDS_PER_CYCLE = 20_000;

/**
 * The kernel log as a signal: drains /dev/kmsg (or a fixture file) each cycle, matches records against
 * the pattern table, and keeps matched events for --event-hold. At start it looks back --event-hold, so
 * a kill shortly before the agent (re)started is still reported.
 *
 * It also reads /proc/vmstat oom_kill: every kill increments it just before "Killed process" is printed,
 * so kills the counter saw and no record named (lost to an overrun, or a kernel that printed nothing we
 * match) become events with an unknown victim, held like any other.
 */
export class KernelLog {
  private source: KmsgSource | undefined;
  private readonly hold: EventHold;
  /** Until the first drain reaches the end of the log, records older than the hold are skipped. */
  private lookingBack = true;
  private lastSeq: number | undefined;
  private missed = 0;
  private previousOomKills: number | null | undefined;
  /** vmstat kills minus kill records since the look-back ended; negative while records run ahead. */
  private unattributed = 0;

  constructor(
    private readonly paths: HostPaths,
    private readonly holdMs: number,
    private readonly logger: Logger,
  ) {
    this.hold = new EventHold(holdMs);
  }

  async sample(nowMs = Date.now()): Promise<KernelSample> {
    const uptimePath = this.paths.proc('uptime');
    const bootMs = nowMs - parseUptime(uptimePath, await readText(uptimePath)) * 1000;
    // vmstat before the log: a kill counted here has its record printed by the time the log is read.
    const oomKills = await this.readOomKills();
    this.source ??= openKmsg(this.paths.host('dev/kmsg'));
    const source = this.source;
    const wasLookingBack = this.lookingBack;
    const batch = await source.read(MAX_RECORDS_PER_CYCLE);

    this.hold.beginCycle();
    for (const record of batch.records) {
      if (source.kind === 'device' && this.lastSeq !== undefined && record.seq > this.lastSeq + 1) {
        this.missed += record.seq - this.lastSeq - 1;
      }
      this.lastSeq = record.seq;
      // Userspace may write to /dev/kmsg, but never as the kernel facility: a fake OOM line is ignored.
      if (record.facility !== KERNEL_FACILITY) continue;
      // The monotonic stamp does not advance during suspend while uptime does; a suspended laptop's
      // events look older than they are, which only matters for the look-back.
      const timeMs = bootMs + record.usec / 1000;
      if (this.lookingBack && nowMs - timeMs > this.holdMs) continue;
      const match = matchKernelMessage(record.message);
      if (match) this.hold.add(match, { seq: record.seq, timeMs, message: record.message });
    }
    if (batch.caughtUp) this.lookingBack = false;
    if (batch.overruns > 0 || batch.malformed > 0) {
      this.logger.warn(
        { overruns: batch.overruns, malformed: batch.malformed, recordsMissed: this.missed },
        'kernel log records lost or unreadable',
      );
    }

    this.attributeKills(oomKills, wasLookingBack, nowMs);
    return {
      source: source.kind,
      events: this.hold.snapshot(nowMs),
      recordsRead: batch.records.length,
      recordsMissed: this.missed,
      matchedTotal: this.hold.matchedTotal,
      eventsDropped: this.hold.eventsDropped,
    };
  }

  close(): void {
    this.source?.close();
    this.source = undefined;
  }

  private async readOomKills(): Promise<number | null> {
    const path = this.paths.proc('vmstat');
    const text = await readTextIfExists(path);
    // Kernels before 4.13 have no oom_kill counter; fixture trees often have no vmstat at all.
    return text === undefined ? null : parseOomKills(text);
  }

  private attributeKills(oomKills: number | null, wasLookingBack: boolean, nowMs: number): void {
    const previous = this.previousOomKills;
    this.previousOomKills = oomKills;
    // The first cycle has no baseline, and during the look-back old records are not this delta's kills.
    if (previous === undefined || previous === null || oomKills === null || wasLookingBack) return;
    this.unattributed += Math.max(oomKills - previous, 0) - this.hold.killRecordsThisCycle;
    if (this.unattributed > 0) {
      this.hold.addUnattributedKills(this.unattributed, nowMs);
      this.unattributed = 0;
    }
    // A surplus of records only covers the race with the next vmstat read, not kills cycles later.
    this.unattributed = Math.max(this.unattributed, -this.hold.killRecordsThisCycle);
  }
}
