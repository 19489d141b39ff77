import { describe, expect, it } from 'vitest';
import { ioChecks } from '../../../agent/checks/io.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { ok } from '../../../agent/reading.js';
import type { BlockDeviceSample, Pressure } from '../../../agent/sample-types.js';
import { byCheck, samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();
const line = (avg10: number) => ({ avg10Ratio: avg10, avg60Ratio: 0, avg300Ratio: 0, totalSeconds: 1 });

function io(devices: BlockDeviceSample[], pressure: Pressure | null = null) {
  return samplesWith({ io: ok({ devices, pressure }) });
}

function device(fields: Partial<BlockDeviceSample>): BlockDeviceSample {
  return {
    device: 'nvme0n1',
    awaitSeconds: 0.002,
    utilizationRatio: 0.3,
    readsPerSecond: 50,
    writesPerSecond: 50,
    ...fields,
  };
}

describe('ioChecks: PSI io full', () => {
  it('warns at exactly 20%', () => {
    expect(ioChecks(io([], { some: line(0.5), full: line(0.2) }), t)).toEqual([
      expect.objectContaining({
        check: 'io-psi',
        cause: 'io-saturation',
        severity: 'warning',
        value: 0.2,
        threshold: 0.2,
      }),
    ]);
  });

  it('is silent just below 20%, and without a full line or PSI', () => {
    expect(ioChecks(io([], { some: line(0.9), full: line(0.1999) }), t)).toEqual([]);
    expect(ioChecks(io([], { some: line(0.9) }), t)).toEqual([]);
    expect(ioChecks(io([], null), t)).toEqual([]);
  });
});

describe('ioChecks: disk await', () => {
  it('warns per device just above 100 ms, naming the device', () => {
    const findings = ioChecks(io([device({ awaitSeconds: 0.1001 }), device({ device: 'sda' })]), t);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'disk-await',
        cause: 'io-saturation',
        severity: 'warning',
        value: 0.1001,
        threshold: 0.1,
        subject: 'nvme0n1',
      }),
    ]);
    expect(findings[0]?.summary).toContain('nvme0n1: requests take 100 ms on average (above 100 ms)');
  });

  it('is silent at exactly 100 ms', () => {
    expect(ioChecks(io([device({ awaitSeconds: 0.1 })]), t)).toEqual([]);
  });

  it('judges only devices doing at least one request per second', () => {
    const slow = { awaitSeconds: 2 };
    expect(
      byCheck(
        ioChecks(io([device({ ...slow, readsPerSecond: 0.5, writesPerSecond: 0.5 })]), t),
        'disk-await',
      ),
    ).toHaveLength(1);
    expect(ioChecks(io([device({ ...slow, readsPerSecond: 0.49, writesPerSecond: 0.5 })]), t)).toEqual([]);
  });

  it('is silent when no request completed (await null)', () => {
    expect(ioChecks(io([device({ awaitSeconds: null })]), t)).toEqual([]);
  });
});
