import { describe, expect, it } from 'vitest';
import { memoryChecks } from '../../../agent/checks/memory.js';
import { defaultThresholds, parseThresholds } from '../../../agent/config/thresholds.js';
import { ok, unavailable } from '../../../agent/reading.js';
import type { MemorySample, Pressure } from '../../../agent/sample-types.js';
import { pressureLine, samplesWith } from '../../harness/samples.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const t = defaultThresholds();

/** PSI memory on a first sample: the averages alone, no interval share yet. */
function pressure(someAvg10: number, fullAvg10?: number): Pressure {
  const some = pressureLine(someAvg10);
  return fullAvg10 === undefined
    ? { some, intervalSeconds: null }
    : { some, full: pressureLine(fullAvg10), intervalSeconds: null };
}

function memory(fields: Partial<MemorySample>) {
  const sample: MemorySample = {
    totalBytes: 8 * GIB,
    availableBytes: 4 * GIB,
    availableRatio: 0.5,
    swapTotalBytes: 0,
    swapFreeBytes: 0,
    pressure: pressure(0, 0),
    oomKillsTotal: 0,
    oomKillsDelta: 0,
    ...fields,
  };
  return samplesWith({ memory: ok(sample) });
}

describe('memoryChecks: MemAvailable', () => {
  it('is critical memory-pressure one byte below 100 MiB, with value and threshold in bytes', () => {
    const findings = memoryChecks(memory({ availableBytes: 100 * MIB - 1 }), t);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'memory-available',
      cause: 'memory-pressure',
      severity: 'critical',
      value: 100 * MIB - 1,
      threshold: 100 * MIB,
    });
    expect(findings[0]?.summary).toContain('of 8.0 GiB memory available, below 100 MiB');
  });

  it('is silent at exactly 100 MiB (the kubelet evicts below it)', () => {
    expect(memoryChecks(memory({ availableBytes: 100 * MIB }), t)).toEqual([]);
  });

  it('follows an overridden threshold', () => {
    const raised = parseThresholds(['memory-available-bytes=1Gi']);
    expect(memoryChecks(memory({ availableBytes: GIB - 1 }), raised)).toHaveLength(1);
    expect(memoryChecks(memory({ availableBytes: GIB }), raised)).toEqual([]);
  });
});

describe('memoryChecks: PSI memory full', () => {
  it('warns at exactly 10% (at or above), with the ratio as value', () => {
    const findings = memoryChecks(memory({ pressure: pressure(0.2, 0.1) }), t);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'memory-psi',
        cause: 'memory-pressure',
        severity: 'warning',
        value: 0.1,
        threshold: 0.1,
      }),
    ]);
  });

  it('is silent just below 10%, however high "some" is', () => {
    expect(memoryChecks(memory({ pressure: pressure(0.99, 0.0999) }), t)).toEqual([]);
  });

  it('warns on the share of the last interval when avg10 still lags, naming both', () => {
    const thrashing = {
      some: pressureLine(0.5, 0.6),
      full: pressureLine(0.02, 0.35),
      intervalSeconds: 10.0008,
    };
    const [finding, ...rest] = memoryChecks(memory({ pressure: thrashing }), t);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ check: 'memory-psi', severity: 'warning', value: 0.35, threshold: 0.1 });
    expect(finding?.summary).toBe(
      'All non-idle tasks were stalled on memory 35.0% of the last 10 s interval (PSI memory full; 10 s average 2.0%, threshold 10.0%): the node is thrashing.',
    );
  });

  it('keeps warning on avg10 after a quiet interval, and is silent when both are below 10%', () => {
    const after = { some: pressureLine(0.5, 0), full: pressureLine(0.12, 0), intervalSeconds: 10 };
    expect(memoryChecks(memory({ pressure: after }), t)).toEqual([expect.objectContaining({ value: 0.12 })]);
    const quiet = { some: pressureLine(0.5, 0.5), full: pressureLine(0.0999, 0.0999), intervalSeconds: 10 };
    expect(memoryChecks(memory({ pressure: quiet }), t)).toEqual([]);
  });

  it('is silent without PSI or without a full line', () => {
    expect(memoryChecks(memory({ pressure: null }), t)).toEqual([]);
    expect(memoryChecks(memory({ pressure: pressure(0.5) }), t)).toEqual([]);
  });
});

describe('memoryChecks', () => {
  it('reports both symptoms at once', () => {
    const findings = memoryChecks(memory({ availableBytes: 50 * MIB, pressure: pressure(0.4, 0.3) }), t);
    expect(findings.map((finding) => finding.check)).toEqual(['memory-available', 'memory-psi']);
  });

  it('says nothing when memory could not be read', () => {
    expect(memoryChecks(samplesWith({ memory: unavailable('/proc/meminfo: no MemAvailable') }), t)).toEqual(
      [],
    );
  });
});
