import type { DiagnosisBoard } from '../diagnosis/diagnosis-board.js';

/** What a feed does with one node whose diagnosis changed; resolves once the client can take more. */
export type Deliver = (node: string) => Promise<void>;

/**
 * The shared core of every watch (gRPC WatchDiagnoses, the dashboard's server-sent events): each node the
 * watcher asked for once at the start, then again whenever the board announces a change of its status or
 * causes. Nodes waiting to be delivered are a set, so a slow reader gets each node's latest state once rather
 * than a backlog of stale ones; `deliver` waits for the client to drain before the next node is taken.
 */
export class DiagnosisFeed {
  private readonly pending = new Set<string>();
  private pumping = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly board: DiagnosisBoard,
    private readonly deliver: Deliver,
    /** A delivery failed: the feed has stopped; the transport reports the error and closes. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts with every node (or only `filter`) and follows the board's changes until stop(). */
  start(filter: string | undefined): void {
    // Subscribe before taking the snapshot, so no change between the two is missed.
    this.unsubscribe = this.board.subscribe((node) => {
      if (filter === undefined || node === filter) this.enqueue(node);
    });
    // An unknown node is not an error: the watcher hears about it when its agent first says hello.
    const snapshot =
      filter === undefined
        ? this.board
            .entries()
            .map((entry) => entry.node)
            .sort()
        : [filter];
    for (const node of snapshot) this.enqueue(node);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pending.clear();
    this.unsubscribe?.();
  }

  get active(): boolean {
    return !this.stopped;
  }

  private enqueue(node: string): void {
    if (this.stopped) return;
    this.pending.add(node);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped) {
        const [node] = this.pending;
        if (node === undefined) break;
        this.pending.delete(node);
        await this.deliver(node);
      }
    } catch (error) {
      if (!this.stopped) {
        this.stop();
        this.onError(error);
      }
    } finally {
      this.pumping = false;
    }
  }
}
