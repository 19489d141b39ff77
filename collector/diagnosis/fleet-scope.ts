/**
 * Fleet scope: which fleet-eligible causes are on so large a share of the reachable nodes that they point
 * away from each node (a slow CoreDNS, a control plane down, a shared NTP source). Counts are kept
 * incrementally, so a node's change costs O(its causes); only a verdict that flips costs O(nodes), to
 * re-announce the nodes that carry the cause.
 */
import type { CauseIdString } from '../../common/ids.js';

/** Half the reachable nodes: beyond that the common factor is likelier than that many independent faults. */
export const DEFAULT_FLEET_SHARE = 0.5;
/**
 * At least three nodes: with two, "half the fleet" is one node's coincidence with another's, and a small
 * cluster's single bad node must still be blamed on the node.
 */
export const DEFAULT_FLEET_MIN_NODES = 3;

export interface FleetOptions {
  /** Share of reachable nodes (0–1] carrying a cause for it to be fleet-wide. */
  readonly share: number;
  readonly minNodes: number;
}

export interface FleetVerdict {
  /** Reachable nodes carrying the cause. */
  readonly nodes: number;
  /** Reachable nodes in all. */
  readonly reachable: number;
}

interface Contribution {
  readonly reachable: boolean;
  readonly causes: ReadonlySet<CauseIdString>;
}

const NONE: Contribution = { reachable: false, causes: new Set() };

export class FleetScope {
  private readonly contributions = new Map<string, Contribution>();
  private readonly counts = new Map<CauseIdString, number>();
  private reachable = 0;
  /** Causes whose verdict is fleet now. */
  private readonly fleet = new Set<CauseIdString>();

  constructor(private readonly options: FleetOptions) {}

  verdict(id: CauseIdString): FleetVerdict | undefined {
    if (!this.fleet.has(id)) return undefined;
    return { nodes: this.counts.get(id) ?? 0, reachable: this.reachable };
  }

  /**
   * Records a node's fleet-eligible causes (none when it is unreachable: a silent node's last evidence is
   * not a current symptom). Returns the causes whose verdict flipped, whose other nodes need re-judging.
   */
  update(node: string, reachable: boolean, causes: ReadonlySet<CauseIdString>): CauseIdString[] {
    const before = this.contributions.get(node) ?? NONE;
    const after: Contribution = { reachable, causes: reachable ? causes : new Set() };
    if (before.reachable === after.reachable && sameSet(before.causes, after.causes)) return [];
    this.contributions.set(node, after);
    this.reachable += Number(after.reachable) - Number(before.reachable);
    for (const id of before.causes) this.counts.set(id, (this.counts.get(id) ?? 1) - 1);
    for (const id of after.causes) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    return this.rejudge();
  }

  remove(node: string): CauseIdString[] {
    const flipped = this.update(node, false, new Set());
    this.contributions.delete(node);
    return flipped;
  }

  private isFleet(id: CauseIdString): boolean {
    const count = this.counts.get(id) ?? 0;
    return count >= this.options.minNodes && count >= this.options.share * this.reachable;
  }

  /** The reachable total moves every verdict, so all counted causes (a handful) are re-judged. */
  private rejudge(): CauseIdString[] {
    const flipped: CauseIdString[] = [];
    for (const id of this.counts.keys()) {
      const now = this.isFleet(id);
      if (now === this.fleet.has(id)) continue;
      if (now) this.fleet.add(id);
      else this.fleet.delete(id);
      flipped.push(id);
    }
    return flipped;
  }
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const value of a) if (!b.has(value)) return false;
  return true;
}
