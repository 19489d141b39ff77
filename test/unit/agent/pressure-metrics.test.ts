import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerHostGauges } from '../../../agent/metrics/host.js';
import { ok, unavailable } from '../../../agent/reading.js';
import type { CpuSample, IoSample, Pressure } from '../../../agent/sample-types.js';
import { promtoolCheckMetrics } from '../../harness/promtool.js';
import { metricsModule, pressureLine } from '../../harness/samples.js';
import { requires } from '../../harness/system-requirements.js';

/** The PSI gauges of the host metrics module: the 10 s average and the share of the agent's interval. */

function cpu(pressure: Pressure | null): CpuSample {
  return {
    cores: 2,
    busyRatio: null,
    iowaitRatio: null,
    stealRatio: null,
    load1: 1,
    load5: 1,
    load15: 1,
    pressure,
  };
}

function io(pressure: Pressure | null): IoSample {
  return { devices: [], pressure };
}

/** The exposition lines of one metric family, comments dropped. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('PSI metrics', () => {
  it('export avg10 and the interval share of every line, by resource and kind', async () => {
    const { registry, publish } = metricsModule(registerHostGauges);
    publish({
      cpu: ok(cpu({ some: pressureLine(0.31, 0.93), intervalSeconds: 10 })),
      io: ok(io({ some: pressureLine(0.2, 0.5), full: pressureLine(0.05, 0.25), intervalSeconds: 10 })),
      memory: unavailable('/proc/meminfo: no MemAvailable'),
    });
    expect(await lines(registry, 'nodedoc_pressure_avg10_ratio')).toEqual([
      'nodedoc_pressure_avg10_ratio{resource="cpu",kind="some"} 0.31',
      'nodedoc_pressure_avg10_ratio{resource="io",kind="some"} 0.2',
      'nodedoc_pressure_avg10_ratio{resource="io",kind="full"} 0.05',
    ]);
    expect(await lines(registry, 'nodedoc_pressure_interval_ratio')).toEqual([
      'nodedoc_pressure_interval_ratio{resource="cpu",kind="some"} 0.93',
      'nodedoc_pressure_interval_ratio{resource="io",kind="some"} 0.5',
      'nodedoc_pressure_interval_ratio{resource="io",kind="full"} 0.25',
    ]);
  });

  it('have no interval series on the first sample (no share yet, not 0), nor without PSI', async () => {
    const { registry, publish } = metricsModule(registerHostGauges);
    publish({ cpu: ok(cpu({ some: pressureLine(0.31), intervalSeconds: null })), io: ok(io(null)) });
    expect(await lines(registry, 'nodedoc_pressure_interval_ratio')).toEqual([]);
    expect(await lines(registry, 'nodedoc_pressure_avg10_ratio')).toEqual([
      'nodedoc_pressure_avg10_ratio{resource="cpu",kind="some"} 0.31',
    ]);
  });

  describe.skipIf(requires({ commands: ['promtool'] }))('with promtool', () => {
    it('pass `promtool check metrics`', async () => {
      const { registry, publish } = metricsModule(registerHostGauges);
      publish({
        cpu: ok(cpu({ some: pressureLine(0.31, 0.93), full: pressureLine(0, 0), intervalSeconds: 1 })),
      });
      const exposition = await registry.metrics();
      expect(await promtoolCheckMetrics(exposition)).toEqual({ code: 0, problems: [] });
      expect(exposition).toContain('# TYPE nodedoc_pressure_interval_ratio gauge');
    });
  });
});
