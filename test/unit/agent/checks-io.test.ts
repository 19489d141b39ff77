import { describe, expect, it } from 'vitest';
import { ioChecks } from '../../../agent/checks/io.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { ok } from '../../../agent/reading.js';
import type { BlockDeviceSample, Pressure } from '../../../agent/sample-types.js';
import { byCheck, pressureLine, samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();
/** A line on a first sample: avg10 alone. */
const line = (avg10: number) => pressureLine(avg10);

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
    expect(ioChecks(io([], { some: line(0.5), full: line(0.2), intervalSeconds: null }), t)).toEqual([
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
    expect(ioChecks(io([], { some: line(0.9), full: line(0.1999), intervalSeconds: null }), t)).toEqual([]);
    expect(ioChecks(io([], { some: line(0.9), intervalSeconds: null }), t)).toEqual([]);
    expect(ioChecks(io([], null), t)).toEqual([]);
  });

  it('warns on the share of the last interval when avg10 still lags, naming both', () => {
    const pressure = { some: line(0.9), full: pressureLine(0.05, 0.42), intervalSeconds: 2 };
    const [finding, ...rest] = ioChecks(io([], pressure), t);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ check: 'io-psi', value: 0.42, threshold: 0.2 });
    expect(finding?.summary).toBe(
      'All non-idle tasks were stalled on I/O 42.0% of the last 2 s interval (PSI io full; 10 s average 5.0%, threshold 20.0%).',
    );
  });

  it('keeps warning on avg10 after a quiet interval, and is silent when both are below 20%', () => {
    const after = { some: line(0.9), full: pressureLine(0.25, 0.01), intervalSeconds: 2 };
    expect(ioChecks(io([], after), t)).toEqual([expect.objectContaining({ value: 0.25 })]);
    const quiet = { some: line(0.9), full: pressureLine(0.1999, 0.1999), intervalSeconds: 2 };
    expect(ioChecks(io([], quiet), t)).toEqual([]);
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
