import type { DnsOutcome, DnsProbeResult, DnsServerSample } from '../sample-types.js';
import { isFailure } from './classify-outcome.js';
import { nearestRank } from './percentile.js';

type WindowStats = DnsServerSample['window'];

interface Entry {
  /** Monotonic milliseconds when the probe finished. */
  readonly atMs: number;
  readonly outcome: DnsOutcome;
  readonly latencySeconds: number | null;
}

const P50 = 0.5;
const P95 = 0.95;

function emptyCounts(): Record<DnsOutcome, number> {
  return { ok: 0, late: 0, timeout: 0, refused: 0, rcode: 0, error: 0 };
}

/**
 * The probes of one server over the last `windowMs`: a single cycle has too few probes for a failure
 * ratio or a p95 to mean anything, and one lost datagram must not page anyone. Time is monotonic
 * (performance.now() by default), so a wall-clock step neither empties nor freezes the window.
 */
export class ProbeWindow {
  private entries: Entry[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(probes: readonly DnsProbeResult[]): void {
    const atMs = this.now();
    for (const { outcome, latencySeconds } of probes) this.entries.push({ atMs, outcome, latencySeconds });
  }

  stats(): WindowStats {
    const horizon = this.now() - this.windowMs;
    this.entries = this.entries.filter((entry) => entry.atMs > horizon);
    const outcomes = emptyCounts();
    const latencies: number[] = [];
    for (const entry of this.entries) {
      outcomes[entry.outcome] += 1;
      if (entry.latencySeconds !== null) latencies.push(entry.latencySeconds);
    }
    latencies.sort((a, b) => a - b);
    const probes = this.entries.length;
    const failures = this.entries.filter((entry) => isFailure(entry.outcome)).length;
    return {
      probes,
      failures,
      failureRatio: probes === 0 ? 0 : failures / probes,
      timeouts: outcomes.timeout,
      outcomes,
      answered: latencies.length,
      p50Seconds: nearestRank(latencies, P50) ?? null,
      p95Seconds: nearestRank(latencies, P95) ?? null,
    };
  }
}

/** One window per server label; servers that are no longer probed are forgotten. */
export class ProbeWindows {
  private readonly windows = new Map<string, ProbeWindow>();

  constructor(
    private readonly windowMs: number,
    private readonly now?: () => number,
  ) {}

  record(server: string, probes: readonly DnsProbeResult[]): WindowStats {
    let window = this.windows.get(server);
    if (!window) {
      window = new ProbeWindow(this.windowMs, this.now);
      this.windows.set(server, window);
    }
    window.add(probes);
    return window.stats();
  }

  /** Drops the windows of servers not in `current` (a kubelet config that changed its clusterDNS). */
  retain(current: ReadonlySet<string>): void {
    for (const server of this.windows.keys()) if (!current.has(server)) this.windows.delete(server);
  }
}
