import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerConntrackMetrics } from '../../../agent/metrics/conntrack.js';
import { absent, ok } from '../../../agent/reading.js';
import type { ConntrackCounters, Samples } from '../../../agent/sample-types.js';
import { promtoolCheckMetrics } from '../../harness/promtool.js';
import { metricsModule } from '../../harness/samples.js';
import { requires } from '../../harness/system-requirements.js';

/** The conntrack metrics module on its own registry, fed cycles through the board as the agent does. */

const DELTAS: ConntrackCounters = {
  found: 0,
  invalid: 2,
  insert: 0,
  insertFailed: 6,
  drop: 34,
  earlyDrop: 0,
  icmpError: 0,
  searchRestart: null, // a 16-column kernel: no such column
  clashResolve: 3,
  chainTooLong: 0,
};

function table(entries: number, max: number, deltas: ConntrackCounters | null): Samples['conntrack'] {
  return ok({
    entries,
    max,
    utilizationRatio: max > 0 ? entries / max : null,
    cpus: 2,
    intervalSeconds: deltas ? 10 : null,
    deltas,
    ratesPerSecond: null,
    netnsInode: null,
  });
}

/** "name value" lines of the exposition, comments dropped. */
async function series(registry: Registry): Promise<Map<string, number>> {
  const text = await registry.metrics();
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [name = '', value = ''] = line.split(' ');
        return [name, Number(value)] as const;
      }),
  );
}

describe('conntrack metrics', () => {
  it('export nothing before the first cycle and for a host without conntrack', async () => {
    const { registry, publish } = metricsModule(registerConntrackMetrics);
    expect(await series(registry)).toEqual(new Map());
    publish({ conntrack: absent('conntrack not in use') });
    expect(await series(registry)).toEqual(new Map());
  });

  it('export entries and limit from the latest cycle; stat counters only once deltas exist', async () => {
    const { registry, publish } = metricsModule(registerConntrackMetrics);
    publish({ conntrack: table(64, 256, null) });
    expect(await series(registry)).toEqual(
      new Map([
        ['nodedoc_conntrack_entries', 64],
        ['nodedoc_conntrack_entries_limit', 256],
      ]),
    );
  });

  it('accumulate wrap-safe deltas into counters, with no series for a column the kernel lacks', async () => {
    const { registry, publish } = metricsModule(registerConntrackMetrics);
    publish({ conntrack: table(129, 65536, null) });
    publish({ conntrack: table(129, 65536, DELTAS) });
    publish({
      conntrack: table(130, 65536, { ...DELTAS, drop: 6, insertFailed: 0, invalid: 0, clashResolve: 1 }),
    });
    const values = await series(registry);
    expect(values.get('nodedoc_conntrack_entries')).toBe(130);
    expect(values.get('nodedoc_conntrack_stat_drop_total')).toBe(40);
    expect(values.get('nodedoc_conntrack_stat_insert_failed_total')).toBe(6);
    expect(values.get('nodedoc_conntrack_stat_invalid_total')).toBe(2);
    expect(values.get('nodedoc_conntrack_stat_clash_resolve_total')).toBe(4);
    expect(values.get('nodedoc_conntrack_stat_chain_too_long_total')).toBe(0);
    expect(values.has('nodedoc_conntrack_stat_search_restart_total')).toBe(false);
  });

  it('keep the counters when a cycle is unavailable, and drop the gauges for that cycle', async () => {
    const { registry, publish } = metricsModule(registerConntrackMetrics);
    publish({ conntrack: table(10, 100, DELTAS) });
    publish({ conntrack: { status: 'unavailable', reason: 'nf_conntrack_count: permission denied' } });
    const values = await series(registry);
    expect(values.has('nodedoc_conntrack_entries')).toBe(false);
    expect(values.get('nodedoc_conntrack_stat_drop_total')).toBe(34);
  });

  describe.skipIf(requires({ commands: ['promtool'] }))('with promtool', () => {
    it('pass `promtool check metrics`', async () => {
      const { registry, publish } = metricsModule(registerConntrackMetrics);
      publish({ conntrack: table(10, 100, DELTAS) });
      const exposition = await registry.metrics();
      const { code, problems } = await promtoolCheckMetrics(exposition);
      expect({ code, problems }).toEqual({ code: 0, problems: [] });
      expect(exposition).toContain('# TYPE nodedoc_conntrack_stat_drop_total counter');
      expect(exposition).toContain('# TYPE nodedoc_conntrack_entries gauge');
    });
  });
});
