import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildAgentConfig } from '../../../agent/config/agent-config.js';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { CycleBoard } from '../../../agent/cycle-board.js';
import { registerConntrackMetrics } from '../../../agent/metrics/conntrack.js';
import { absent, ok } from '../../../agent/reading.js';
import type { AgentReport } from '../../../agent/report.js';
import type { ConntrackCounters, Samples } from '../../../agent/sample-types.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { requires } from '../../harness/system-requirements.js';

/** The conntrack metrics module on its own registry, fed cycles through the board as the agent does. */

const NOT_SAMPLED = absent('not part of this test');
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

function report(conntrack: Samples['conntrack']): AgentReport {
  const samples: Samples = {
    cpu: NOT_SAMPLED,
    memory: NOT_SAMPLED,
    disk: NOT_SAMPLED,
    io: NOT_SAMPLED,
    processes: NOT_SAMPLED,
    conntrack,
    dns: NOT_SAMPLED,
    kubelet: NOT_SAMPLED,
    runtime: NOT_SAMPLED,
    apiserver: NOT_SAMPLED,
    certificate: NOT_SAMPLED,
    kernel: NOT_SAMPLED,
    identity: NOT_SAMPLED,
  };
  return {
    node: 'test-node',
    bootId: null,
    time: '2026-11-23T13:00:00.000Z',
    agent: { version: 'test' },
    host: { os: null, kernel: null, arch: null, cpuModel: null, cpuCores: null, memoryBytes: null },
    samples,
    findings: [],
    sampleDurationSeconds: 0.01,
  };
}

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

function setup(): { registry: Registry; board: CycleBoard } {
  const registry = new Registry();
  const board = new CycleBoard();
  const config = buildAgentConfig(parseFlags(AGENT_FLAGS, [], {}), {});
  const inventory = report(NOT_SAMPLED).host;
  registerConntrackMetrics({ registry, board, config, inventory });
  return { registry, board };
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
    const { registry, board } = setup();
    expect(await series(registry)).toEqual(new Map());
    board.publish(report(absent('conntrack not in use')));
    expect(await series(registry)).toEqual(new Map());
  });

  it('export entries and limit from the latest cycle; stat counters only once deltas exist', async () => {
    const { registry, board } = setup();
    board.publish(report(table(64, 256, null)));
    expect(await series(registry)).toEqual(
      new Map([
        ['nodedoc_conntrack_entries', 64],
        ['nodedoc_conntrack_entries_limit', 256],
      ]),
    );
  });

  it('accumulate wrap-safe deltas into counters, with no series for a column the kernel lacks', async () => {
    const { registry, board } = setup();
    board.publish(report(table(129, 65536, null)));
    board.publish(report(table(129, 65536, DELTAS)));
    board.publish(
      report(table(130, 65536, { ...DELTAS, drop: 6, insertFailed: 0, invalid: 0, clashResolve: 1 })),
    );
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
    const { registry, board } = setup();
    board.publish(report(table(10, 100, DELTAS)));
    board.publish(report({ status: 'unavailable', reason: 'nf_conntrack_count: permission denied' }));
    const values = await series(registry);
    expect(values.has('nodedoc_conntrack_entries')).toBe(false);
    expect(values.get('nodedoc_conntrack_stat_drop_total')).toBe(34);
  });

  describe.skipIf(requires({ commands: ['promtool'] }))('with promtool', () => {
    it('pass `promtool check metrics`', async () => {
      const { registry, board } = setup();
      board.publish(report(table(10, 100, DELTAS)));
      const exposition = await registry.metrics();
      const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
      expect(exposition).toContain('# TYPE nodedoc_conntrack_stat_drop_total counter');
      expect(exposition).toContain('# TYPE nodedoc_conntrack_entries gauge');
    });
  });
});
