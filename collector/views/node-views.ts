import type { BoardEntry, DiagnosisBoard } from '../diagnosis/diagnosis-board.js';
import type { NodeRecord, NodeStore, TimelineEntry } from '../store/node-store.js';

/**
 * How many of a node's newest reports are read back to rebuild its findings' runs after a restart: at the
 * default 10 s interval, close to three hours. A run longer than that shows as starting at the oldest of
 * them (a lower bound), which is all the classifier needs (confidence saturates at 3 reports, clearing takes 2).
 */
export const SEED_REPORTS = 1_000;

/** One node as the detail APIs show it: what the store holds plus the board's diagnosis. */
export interface NodeDetailView {
  readonly record: NodeRecord;
  readonly entry: BoardEntry;
}

/**
 * The read side shared by gRPC and HTTP: node listings come from the board (memory), details and timelines
 * from the store, and a node's runs are rebuilt from its timeline the first time anything needs them after a
 * restart (once per node, shared by concurrent callers).
 */
export class NodeViews {
  private readonly seeding = new Map<string, Promise<void>>();

  constructor(
    private readonly store: NodeStore,
    private readonly board: DiagnosisBoard,
  ) {}

  /** Every node, by name. */
  summaries(): BoardEntry[] {
    return this.board.entries().sort((a, b) => a.node.localeCompare(b.node));
  }

  known(node: string): boolean {
    return this.board.entry(node) !== undefined;
  }

  async detail(node: string): Promise<NodeDetailView | undefined> {
    if (!this.known(node)) return undefined;
    await this.ensureSeeded(node);
    const record = await this.store.getNode(node);
    const entry = this.board.entry(node);
    if (!record || !entry) return undefined;
    return { record, entry };
  }

  /** undefined for an unknown node. */
  async timeline(
    node: string,
    sinceMs: number,
    untilMs: number,
    limit: number,
  ): Promise<TimelineEntry[] | undefined> {
    if (!this.known(node)) return undefined;
    return this.store.timeline(node, sinceMs, untilMs, limit);
  }

  ensureSeeded(node: string): Promise<void> {
    const entry = this.board.entry(node);
    if (!entry || entry.seeded) return Promise.resolve();
    let pending = this.seeding.get(node);
    if (!pending) {
      pending = this.store
        .timeline(node, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, SEED_REPORTS)
        .then((timeline) => this.board.seed(node, timeline))
        .finally(() => this.seeding.delete(node));
      this.seeding.set(node, pending);
    }
    return pending;
  }

  /** Seeds every node not yet seeded, one at a time (started in the background after start-up). */
  async seedAll(): Promise<void> {
    for (const entry of this.board.entries()) {
      if (!entry.seeded) await this.ensureSeeded(entry.node);
    }
  }
}
