import { Counter, type Registry } from 'prom-client';
import { COUNTER_COLUMNS, type CounterField } from '../parsers/conntrack-stat.js';
import type { ConntrackCounters } from '../sample-types.js';
import type { MetricsContext } from './metrics-context.js';
import { snapshotGauge } from './snapshot-gauge.js';

/** Metric name suffix and help for each stat column (meanings as in conntrack(8) -S). */
const STAT_COUNTERS: Readonly<Record<CounterField, { readonly name: string; readonly help: string }>> = {
  found: { name: 'found', help: 'Lookups that found an existing entry' },
  invalid: { name: 'invalid', help: 'Packets that could not be tracked' },
  insert: { name: 'insert', help: 'Entries inserted into the table' },
  insertFailed: {
    name: 'insert_failed',
    help: 'Inserts that failed (insertion race, or an over-long hash chain) and dropped their packet',
  },
  drop: { name: 'drop', help: 'Packets dropped because no entry could be created (table full)' },
  earlyDrop: { name: 'early_drop', help: 'Unassured entries evicted to make room in a full table' },
  icmpError: { name: 'icmp_error', help: 'Packets that could not be tracked because of an error' },
  searchRestart: { name: 'search_restart', help: 'Lookups restarted because the table changed under them' },
  clashResolve: { name: 'clash_resolve', help: 'Insertion clashes resolved without a drop' },
  chainTooLong: { name: 'chain_too_long', help: 'Inserts refused because a hash chain grew too long' },
};

/**
 * The stat columns as true Prometheus counters, nodedoc_conntrack_stat_<column>_total, accumulated from
 * the signal's wrap-safe deltas. Exporting the kernel's numbers directly would be wrong either way: each
 * is a sum of per-CPU unsigned 32-bit cells that wrap (a busy node's `found` wraps within hours), so the
 * sum jumps down at a wrap and is neither a counter rate() understands nor a meaningful gauge. Summed
 * deltas only ever grow; they start at 0 when the agent starts, a reset rate() and increase() handle.
 *
 * A counter is created at the first delta for its column, so a host without conntrack, or a kernel
 * without that column (search_restart before 2.6.35, chainlength before 5.15), has no series at all
 * rather than a misleading 0.
 */
class StatCounters {
  private readonly counters = new Map<CounterField, Counter>();

  constructor(private readonly registry: Registry) {}

  add(deltas: ConntrackCounters): void {
    for (const field of Object.keys(COUNTER_COLUMNS) as CounterField[]) {
      const delta = deltas[field];
      if (delta !== null) this.counter(field).inc(delta);
    }
  }

  private counter(field: CounterField): Counter {
    let counter = this.counters.get(field);
    if (!counter) {
      const { name, help } = STAT_COUNTERS[field];
      counter = new Counter({
        name: `nodedoc_conntrack_stat_${name}_total`,
        help: `${help}, summed over CPUs since the agent started (/proc/net/stat/nf_conntrack "${COUNTER_COLUMNS[field]}").`,
        registers: [this.registry],
      });
      this.counters.set(field, counter);
    }
    return counter;
  }
}

/** Conntrack table size and limit (gauges of the latest cycle) and the stat columns (counters). */
export function registerConntrackMetrics(context: MetricsContext): void {
  const { registry, board } = context;
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_conntrack_entries',
      help: "Entries in the conntrack table of the agent's network namespace (nf_conntrack_count).",
    },
    ({ samples: { conntrack } }) => (conntrack.status === 'ok' ? [[{}, conntrack.entries]] : []),
  );
  snapshotGauge(
    registry,
    board,
    {
      name: 'nodedoc_conntrack_entries_limit',
      help: 'Entries the conntrack table may hold (nf_conntrack_max); 0 means no limit.',
    },
    ({ samples: { conntrack } }) => (conntrack.status === 'ok' ? [[{}, conntrack.max]] : []),
  );
  const stats = new StatCounters(registry);
  board.subscribe(({ samples: { conntrack } }) => {
    if (conntrack.status === 'ok' && conntrack.deltas) stats.add(conntrack.deltas);
  });
}
