import type { KernelEvent, KernelEventKind } from '../sample-types.js';
import type { EventFields, PatternMatch } from './kernel-patterns.js';

/**
 * Most events the agent keeps at once. An OOM storm (a restarting pod killed every 50 ms) or a flood of
 * conntrack drops must not grow memory or the report without bound; the newest events are kept.
 */
export const MAX_HELD_EVENTS = 100;

/**
 * The two lines of one OOM kill are printed microseconds apart; a second is generous even for a console
 * that slows printk down, and short enough that a recycled pid is not mistaken for the same kill.
 */
const OOM_FOLD_WINDOW_MS = 1_000;

/** The kernel-log line as kept in a report; the interesting part of every rule is near the start. */
const MAX_MESSAGE_CHARS = 512;

export const KERNEL_EVENT_KINDS: readonly KernelEventKind[] = [
  'oom-kill',
  'hung-task',
  'soft-lockup',
  'readonly-remount',
  'conntrack-full',
];

/** The record a match came from, already placed on the wall clock. */
export interface MatchedRecord {
  readonly seq: number;
  readonly timeMs: number;
  readonly message: string;
}

interface HeldEvent {
  readonly kind: KernelEventKind;
  readonly key: string;
  readonly seq: number | null;
  readonly firstMs: number;
  lastMs: number;
  records: number;
  /** The cycle in which a record was last folded in. */
  cycle: number;
  /** OOM kill lines seen so far ("summary", "kill"). */
  readonly parts: Set<string>;
  message: string;
  fields: EventFields;
}

function trimMessage(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}

/**
 * Kernel-log events of the last --event-hold window: folds records of one occurrence together, ages
 * events out `holdMs` after their last record, and caps how many are kept.
 */
export class EventHold {
  private held: HeldEvent[] = [];
  private cycle = 0;
  private readonly matched = Object.fromEntries(KERNEL_EVENT_KINDS.map((kind) => [kind, 0])) as Record<
    KernelEventKind,
    number
  >;
  private dropped = 0;
  /** "Killed process" lines read in the current cycle: each is one kill vmstat also counts. */
  private killRecords = 0;

  constructor(
    private readonly holdMs: number,
    private readonly maxEvents = MAX_HELD_EVENTS,
  ) {}

  /** Starts a new sampling cycle: events touched from now on are `fresh`. */
  beginCycle(): void {
    this.cycle += 1;
    this.killRecords = 0;
  }

  /** OOM kill records ("Killed process …") read in this cycle. */
  get killRecordsThisCycle(): number {
    return this.killRecords;
  }

  get matchedTotal(): Readonly<Record<KernelEventKind, number>> {
    return { ...this.matched };
  }

  get eventsDropped(): number {
    return this.dropped;
  }

  add({ pattern, fields }: PatternMatch, record: MatchedRecord): void {
    if (pattern.part === 'kill') this.killRecords += 1;
    const key = pattern.foldKey(fields);
    const part = pattern.part;
    const existing = this.held.findLast(
      (event) =>
        event.kind === pattern.kind &&
        event.key === key &&
        (part === undefined ||
          (!event.parts.has(part) && Math.abs(record.timeMs - event.lastMs) <= OOM_FOLD_WINDOW_MS)),
    );
    if (existing) {
      existing.lastMs = Math.max(existing.lastMs, record.timeMs);
      existing.records += 1;
      existing.cycle = this.cycle;
      existing.fields = { ...existing.fields, ...fields };
      // The "Killed process" line says more to a human than the summary; for other kinds the latest
      // line carries the latest figure ("blocked for more than 240 seconds").
      if (part !== 'summary') existing.message = trimMessage(record.message);
      if (part) existing.parts.add(part);
      return;
    }
    this.matched[pattern.kind] += 1;
    this.push({
      kind: pattern.kind,
      key,
      seq: record.seq,
      firstMs: record.timeMs,
      lastMs: record.timeMs,
      records: 1,
      cycle: this.cycle,
      parts: new Set(part ? [part] : []),
      message: trimMessage(record.message),
      fields,
    });
  }

  /** Kills vmstat counted that no kernel-log record names (records lost, or never printed). */
  addUnattributedKills(kills: number, nowMs: number): void {
    this.push({
      kind: 'oom-kill',
      key: `vmstat/${this.cycle}`,
      seq: null,
      firstMs: nowMs,
      lastMs: nowMs,
      records: 0,
      cycle: this.cycle,
      parts: new Set(),
      message: `/proc/vmstat oom_kill rose by ${kills} without a kernel-log record naming the victim`,
      fields: { victim: 'unknown', kills },
    });
  }

  /** Ages out events older than the hold (those touched this cycle always stay) and returns the rest. */
  snapshot(nowMs: number): KernelEvent[] {
    this.held = this.held.filter(
      (event) => event.cycle === this.cycle || nowMs - event.lastMs <= this.holdMs,
    );
    return this.held
      .map((event) => ({
        kind: event.kind,
        time: new Date(event.firstMs).toISOString(),
        lastTime: new Date(event.lastMs).toISOString(),
        seq: event.seq,
        records: event.records,
        fresh: event.cycle === this.cycle,
        message: event.message,
        fields: { ...event.fields },
      }))
      .sort((a, b) => a.time.localeCompare(b.time));
  }

  private push(event: HeldEvent): void {
    this.held.push(event);
    if (this.held.length <= this.maxEvents) return;
    // Drop the event whose last record is oldest: it is the closest to ageing out anyway.
    let oldest = 0;
    for (let index = 1; index < this.held.length; index += 1) {
      if ((this.held[index]?.lastMs ?? 0) < (this.held[oldest]?.lastMs ?? 0)) oldest = index;
    }
    this.held.splice(oldest, 1);
    this.dropped += 1;
  }
}
