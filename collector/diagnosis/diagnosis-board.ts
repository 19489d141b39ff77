import type { AgentIdentity, IncomingReport, NodeRecord, TimelineEntry } from '../store/node-store.js';
import { type Diagnosis, diagnosisSignature, type EvidenceItem, type StatusName } from './diagnosis.js';
import { advanceRuns, runsOf } from './finding-runs.js';
import { diagnose, isUnreachable } from './interim-diagnosis.js';

/** What the board keeps per node: enough to diagnose it without reading the store. */
interface NodeTrack {
  readonly node: string;
  intervalMs: number;
  /** Collector clock of the last report or hello, Unix ms. */
  lastSeenMs: number;
  epoch: string;
  /** Highest sequence of `epoch` already folded into `runs` (replays below it are ignored). */
  lastSequence: bigint;
  /** The latest report's findings with their runs. */
  runs: Map<string, EvidenceItem>;
  /**
   * False while the runs come from the latest report alone (after a restart): first-seen times and run
   * lengths are then rebuilt from the timeline (seed) before they are trusted.
   */
  seeded: boolean;
  diagnosis: Diagnosis;
  signature: string;
}

export type DiagnosisListener = (node: string, diagnosis: Diagnosis) => void;

/** A node's current state as the board sees it. */
export interface BoardEntry {
  readonly node: string;
  readonly lastSeenMs: number;
  readonly intervalMs: number;
  readonly seeded: boolean;
  readonly diagnosis: Diagnosis;
}

/**
 * Every node's current diagnosis, kept in memory and updated from what ingest already has in hand (the
 * hello, the reports just stored), so neither ingest nor a node listing reads the store for it. Listeners
 * hear about a node whenever its status or causes change — including when silence alone turns it
 * Unreachable, which `sweep` (run on a timer) notices.
 */
export class DiagnosisBoard {
  private readonly tracks = new Map<string, NodeTrack>();
  private readonly listeners = new Set<DiagnosisListener>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts from what the store holds (at start-up): runs from each node's latest report, not yet seeded. */
  load(records: readonly NodeRecord[]): void {
    for (const record of records) {
      const latest = record.latest;
      const track: NodeTrack = {
        node: record.node,
        intervalMs: record.identity.intervalMs,
        lastSeenMs: record.lastSeenMs,
        epoch: record.identity.epoch,
        lastSequence: BigInt(record.ingest.lastSeq),
        runs: latest ? advanceRuns(new Map(), latest.findings, latest.sampledAtMs) : new Map(),
        seeded: latest === null,
        diagnosis: { status: 'Ready', causes: [] },
        signature: '',
      };
      this.evaluate(track, false);
      this.tracks.set(record.node, track);
    }
  }

  /** A stream opened. A node never seen before has no history to seed. */
  hello(identity: AgentIdentity): void {
    const nowMs = this.now();
    let track = this.tracks.get(identity.node);
    if (!track) {
      track = {
        node: identity.node,
        intervalMs: identity.intervalMs,
        lastSeenMs: nowMs,
        epoch: identity.epoch,
        lastSequence: 0n,
        runs: new Map(),
        seeded: true,
        diagnosis: { status: 'Ready', causes: [] },
        signature: '',
      };
      this.tracks.set(identity.node, track);
    }
    track.intervalMs = identity.intervalMs;
    track.lastSeenMs = nowMs;
    if (track.epoch !== identity.epoch) {
      track.epoch = identity.epoch;
      track.lastSequence = 0n;
    }
    this.evaluate(track, true);
  }

  /** Reports just stored for a node (in sequence order); those already folded in are skipped. */
  observe(node: string, epoch: string, reports: readonly IncomingReport[], receivedAtMs: number): void {
    const track = this.tracks.get(node);
    if (!track) return;
    track.lastSeenMs = Math.max(track.lastSeenMs, receivedAtMs);
    if (epoch === track.epoch) {
      for (const report of reports) {
        const sequence = BigInt(report.sequence);
        if (sequence <= track.lastSequence) continue;
        track.runs = advanceRuns(track.runs, report.findings, report.sampledAtMs);
        track.lastSequence = sequence;
      }
    }
    this.evaluate(track, true);
  }

  /** Rebuilds a node's runs from its timeline (oldest first, ending with the latest stored report). */
  seed(node: string, timeline: readonly TimelineEntry[]): void {
    const track = this.tracks.get(node);
    if (!track || track.seeded) return;
    if (timeline.length > 0) track.runs = runsOf(timeline);
    track.seeded = true;
    this.evaluate(track, true);
  }

  /** Re-judges silence: nodes that turned Unreachable (or came back) since the last look are announced. */
  sweep(): void {
    const nowMs = this.now();
    for (const track of this.tracks.values()) {
      const silent = isUnreachable(track.lastSeenMs, track.intervalMs, nowMs);
      if (silent !== (track.diagnosis.status === 'Unreachable')) this.evaluate(track, true);
    }
  }

  /** Retention: drops nodes last seen before `beforeMs`, as the store does. Returns the names dropped. */
  forget(beforeMs: number): string[] {
    const dropped: string[] = [];
    for (const [node, track] of this.tracks) {
      if (track.lastSeenMs < beforeMs) {
        this.tracks.delete(node);
        dropped.push(node);
      }
    }
    return dropped;
  }

  /** The node's diagnosis as of now (summaries with live figures), or undefined for an unknown node. */
  entry(node: string): BoardEntry | undefined {
    const track = this.tracks.get(node);
    if (!track) return undefined;
    return this.entryOf(track);
  }

  entries(): BoardEntry[] {
    return [...this.tracks.values()].map((track) => this.entryOf(track));
  }

  /** Current status per node, without recomputing causes (for the one-hot status metric). */
  statuses(): Array<[string, StatusName]> {
    return [...this.tracks.values()].map((track) => [track.node, track.diagnosis.status]);
  }

  subscribe(listener: DiagnosisListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entryOf(track: NodeTrack): BoardEntry {
    return {
      node: track.node,
      lastSeenMs: track.lastSeenMs,
      intervalMs: track.intervalMs,
      seeded: track.seeded,
      diagnosis: this.compute(track),
    };
  }

  private compute(track: NodeTrack): Diagnosis {
    return diagnose({
      evidence: track.runs.values(),
      lastSeenMs: track.lastSeenMs,
      intervalMs: track.intervalMs,
      nowMs: this.now(),
    });
  }

  private evaluate(track: NodeTrack, announce: boolean): void {
    const diagnosis = this.compute(track);
    const signature = diagnosisSignature(diagnosis);
    track.diagnosis = diagnosis;
    if (signature === track.signature) return;
    track.signature = signature;
    if (!announce) return;
    for (const listener of this.listeners) listener(track.node, diagnosis);
  }
}
