import type { CauseIdString, SeverityString } from '../../common/ids.js';
import type { AgentIdentity, IncomingReport, NodeRecord, TimelineEntry } from '../store/node-store.js';
import { classify, fleetCandidates, type RaisedCause, raiseCauses } from './classify.js';
import {
  type ClockOffset,
  type ClockSkewThresholds,
  DEFAULT_CLOCK_SKEW_CRITICAL_MS,
  DEFAULT_CLOCK_SKEW_WARNING_MS,
} from './clock-skew.js';
import { type Diagnosis, diagnosisSignature, type StatusName } from './diagnosis.js';
import { advanceRuns, type HeldFinding, isEventFinding, runsOf } from './finding-runs.js';
import {
  DEFAULT_FLEET_MIN_NODES,
  DEFAULT_FLEET_SHARE,
  type FleetOptions,
  FleetScope,
} from './fleet-scope.js';
import { DEFAULT_EVENT_WINDOW_MS, isUnreachable } from './hysteresis.js';
import { NO_READINESS, type ReadinessSource } from './node-readiness.js';

export interface BoardOptions {
  readonly now?: () => number;
  /** Readiness from the Kubernetes API; default none (the agent's kubelet probe stands in). */
  readonly readiness?: ReadinessSource;
  readonly fleet?: FleetOptions;
  /** How long one-off events stay visible after they were last reported. */
  readonly eventWindowMs?: number;
  readonly clockSkew?: ClockSkewThresholds;
}

/** What the board keeps per node: enough to diagnose it without reading the store. */
interface NodeTrack {
  readonly node: string;
  intervalMs: number;
  /** Collector clock of the last report or hello, Unix ms. */
  lastSeenMs: number;
  epoch: string;
  /** Highest sequence of `epoch` already folded into `runs` (replays below it are ignored). */
  lastSequence: bigint;
  /** Findings held: the latest report's, those clearing, and events within their window, with their runs. */
  runs: Map<string, HeldFinding>;
  /** The agent's clock offset as ingest last estimated it. */
  clock: ClockOffset | undefined;
  /** What the node contributes to the fleet tally. */
  fleetCauses: ReadonlySet<CauseIdString>;
  /** Collector clock at which the earliest held event ages out (Infinity: none). */
  nextExpiryMs: number;
  /**
   * False while the runs come from the latest report alone (after a restart): first-seen times and run
   * lengths are then rebuilt from the timeline (seed) before they are trusted.
   */
  seeded: boolean;
  diagnosis: Diagnosis;
  signature: string;
}

/** One active cause of one node, as the cause metric labels it. */
export interface ActiveCause {
  readonly node: string;
  readonly cause: CauseIdString;
  readonly severity: SeverityString;
  readonly scope: 'node' | 'fleet';
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
  private readonly now: () => number;
  private readonly readiness: ReadinessSource;
  private readonly fleet: FleetScope;
  private readonly eventWindowMs: number;
  private readonly clockSkew: ClockSkewThresholds;
  private readonly unsubscribeReadiness: () => void;
  private onClassified: ((seconds: number) => void) | undefined;

  /** A clock function alone (the original signature) or options. */
  constructor(options: BoardOptions | (() => number) = {}) {
    const opts: BoardOptions = typeof options === 'function' ? { now: options } : options;
    this.now = opts.now ?? Date.now;
    this.readiness = opts.readiness ?? NO_READINESS;
    this.fleet = new FleetScope(
      opts.fleet ?? { share: DEFAULT_FLEET_SHARE, minNodes: DEFAULT_FLEET_MIN_NODES },
    );
    this.eventWindowMs = opts.eventWindowMs ?? DEFAULT_EVENT_WINDOW_MS;
    this.clockSkew = opts.clockSkew ?? {
      warningMs: DEFAULT_CLOCK_SKEW_WARNING_MS,
      criticalMs: DEFAULT_CLOCK_SKEW_CRITICAL_MS,
    };
    // The API changed its mind about a node: re-judge it now rather than at its next report.
    this.unsubscribeReadiness = this.readiness.subscribe((node) => {
      const track = this.tracks.get(node);
      if (track) this.evaluate(track, true);
    });
  }

  /** Times every classification (the latency histogram). */
  timeClassifications(observe: (seconds: number) => void): void {
    this.onClassified = observe;
  }

  /** Stops listening to the readiness source. */
  close(): void {
    this.unsubscribeReadiness();
  }

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
        runs: latest
          ? advanceRuns(
              new Map(),
              latest.findings,
              latest.sampledAtMs,
              latest.receivedAtMs,
              this.eventWindowMs,
            )
          : new Map(),
        clock: undefined,
        fleetCauses: new Set(),
        nextExpiryMs: Number.POSITIVE_INFINITY,
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
        clock: undefined,
        fleetCauses: new Set(),
        nextExpiryMs: Number.POSITIVE_INFINITY,
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

  /**
   * Reports just stored for a node (in sequence order); those already folded in are skipped. `clock` is
   * ingest's current estimate of the agent's clock offset, when it has one.
   */
  observe(
    node: string,
    epoch: string,
    reports: readonly IncomingReport[],
    receivedAtMs: number,
    clock?: ClockOffset,
  ): void {
    const track = this.tracks.get(node);
    if (!track) return;
    track.lastSeenMs = Math.max(track.lastSeenMs, receivedAtMs);
    if (clock !== undefined) track.clock = clock;
    if (epoch === track.epoch) {
      for (const report of reports) {
        const sequence = BigInt(report.sequence);
        if (sequence <= track.lastSequence) continue;
        track.runs = advanceRuns(
          track.runs,
          report.findings,
          report.sampledAtMs,
          receivedAtMs,
          this.eventWindowMs,
        );
        track.lastSequence = sequence;
      }
    }
    this.evaluate(track, true);
  }

  /** Rebuilds a node's runs from its timeline (oldest first, ending with the latest stored report). */
  seed(node: string, timeline: readonly TimelineEntry[]): void {
    const track = this.tracks.get(node);
    if (!track || track.seeded) return;
    if (timeline.length > 0) track.runs = runsOf(timeline, this.eventWindowMs);
    track.seeded = true;
    this.evaluate(track, true);
  }

  /**
   * Re-judges silence and event windows: nodes that turned Unreachable (or came back), or whose one-off
   * event aged out, since the last look are announced.
   */
  sweep(): void {
    const nowMs = this.now();
    for (const track of this.tracks.values()) {
      const silent = isUnreachable(track.lastSeenMs, track.intervalMs, nowMs);
      if (silent !== (track.diagnosis.status === 'Unreachable') || nowMs > track.nextExpiryMs) {
        this.evaluate(track, true);
      }
    }
  }

  /** Retention: drops nodes last seen before `beforeMs`, as the store does. Returns the names dropped. */
  forget(beforeMs: number): string[] {
    const dropped: string[] = [];
    for (const [node, track] of this.tracks) {
      if (track.lastSeenMs < beforeMs) {
        this.tracks.delete(node);
        dropped.push(node);
        this.refleet(this.fleet.remove(node));
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

  /** Every node's active causes as last judged (for the cause metric; no recomputation). */
  activeCauses(): ActiveCause[] {
    const active: ActiveCause[] = [];
    for (const track of this.tracks.values()) {
      for (const cause of track.diagnosis.causes) {
        active.push({ node: track.node, cause: cause.id, severity: cause.severity, scope: cause.scope });
      }
    }
    return active;
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

  private raise(track: NodeTrack, nowMs: number): Map<CauseIdString, RaisedCause> {
    return raiseCauses(track.runs.values(), nowMs, this.eventWindowMs, track.clock, this.clockSkew);
  }

  private compute(track: NodeTrack, raised = this.raise(track, this.now())): Diagnosis {
    return classify({
      node: track.node,
      raised,
      lastSeenMs: track.lastSeenMs,
      intervalMs: track.intervalMs,
      nowMs: this.now(),
      readiness: this.readiness.get(track.node),
      fleet: (id) => this.fleet.verdict(id),
    });
  }

  /** Drops aged events and notes when the next one ages out (the sweep re-judges the node then). */
  private expireEvents(track: NodeTrack, nowMs: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const [key, held] of track.runs) {
      if (!isEventFinding(held.item.finding)) continue;
      const expiry = held.receivedAtMs + this.eventWindowMs;
      if (nowMs > expiry) track.runs.delete(key);
      else next = Math.min(next, expiry);
    }
    track.nextExpiryMs = next;
  }

  private evaluate(track: NodeTrack, announce: boolean): void {
    const started = performance.now();
    const nowMs = this.now();
    this.expireEvents(track, nowMs);
    const raised = this.raise(track, nowMs);
    const reachable = !isUnreachable(track.lastSeenMs, track.intervalMs, nowMs);
    track.fleetCauses = fleetCandidates(raised);
    const flipped = this.fleet.update(track.node, reachable, track.fleetCauses);
    const diagnosis = this.compute(track, raised);
    this.onClassified?.((performance.now() - started) / 1_000);
    const signature = diagnosisSignature(diagnosis);
    track.diagnosis = diagnosis;
    if (signature !== track.signature) {
      track.signature = signature;
      if (announce) for (const listener of this.listeners) listener(track.node, diagnosis);
    }
    this.refleet(flipped, track);
  }

  /** A fleet verdict flipped: every other node carrying the cause is re-judged (and announced if it changed). */
  private refleet(flipped: readonly CauseIdString[], except?: NodeTrack): void {
    if (flipped.length === 0) return;
    for (const other of this.tracks.values()) {
      if (other === except || !flipped.some((id) => other.fleetCauses.has(id))) continue;
      this.evaluate(other, true);
    }
  }
}
