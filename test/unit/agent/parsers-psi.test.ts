import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { parsePressure } from '../../../agent/parsers/psi.js';

const HOSTS = new URL('../../fixtures/hosts/', import.meta.url);
const PROC = new URL('../../fixtures/proc/', import.meta.url);
const read = (base: URL, file: string): string => readFileSync(new URL(file, base), 'utf8');

describe('parsePressure', () => {
  it('reads a captured /proc/pressure/io with some and full lines (percent → ratio, µs → s)', () => {
    // debian12-healthy/proc/pressure/io: some avg10=0.17 avg60=0.15 avg300=0.22 total=4108857, full …
    const pressure = parsePressure('/proc/pressure/io', read(HOSTS, 'debian12-healthy/proc/pressure/io'));
    expect(pressure.some.avg10Ratio).toBeCloseTo(0.0017, 12);
    expect(pressure.some.avg60Ratio).toBeCloseTo(0.0015, 12);
    expect(pressure.some.avg300Ratio).toBeCloseTo(0.0022, 12);
    expect(pressure.some.totalSeconds).toBeCloseTo(4.108857, 9);
    expect(pressure.full?.avg10Ratio).toBeCloseTo(0.0009, 12);
    expect(pressure.full?.totalSeconds).toBeCloseTo(3.905856, 9);
  });

  it('reads /proc/pressure/cpu of kernels before 5.13, which have no "full" line', () => {
    const pressure = parsePressure('/proc/pressure/cpu', read(PROC, 'pressure-cpu-no-full'));
    expect(pressure.full).toBeUndefined();
    expect(Object.keys(pressure)).toEqual(['some']);
    expect(pressure.some.avg10Ratio).toBeCloseTo(0.125, 12);
    expect(pressure.some.totalSeconds).toBeCloseTo(912.345678, 9);
  });

  it('accepts 100.00 (every task stalled) and rejects an average above 100%', () => {
    const full = 'some avg10=100.00 avg60=100.00 avg300=100.00 total=1\n';
    expect(parsePressure('/p', full).some.avg10Ratio).toBe(1);
    expect(() => parsePressure('/p', 'some avg10=100.01 avg60=0.00 avg300=0.00 total=1\n')).toThrow(
      new SignalError('/p: an average above 100%'),
    );
  });

  it('rejects a file without a "some" line: empty, truncated, or only "full"', () => {
    for (const text of [
      '',
      'some avg10=0.90 avg60=1.76 avg300=',
      'full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    ]) {
      expect(() => parsePressure('/proc/pressure/cpu', text)).toThrow(
        new SignalError('/proc/pressure/cpu: no "some" line'),
      );
    }
  });

  it('rejects a total too long for a double instead of reporting Infinity', () => {
    const text = `some avg10=0.00 avg60=0.00 avg300=0.00 total=${'9'.repeat(400)}\n`;
    expect(() => parsePressure('/p', text)).toThrow(new SignalError('/p: total out of range'));
  });

  it('ignores unknown lines around the known ones (forward compatible)', () => {
    const text = 'header v2\nsome avg10=1.00 avg60=2.00 avg300=3.00 total=4\nother avg10=9\n';
    expect(parsePressure('/p', text)).toEqual({
      some: { avg10Ratio: 0.01, avg60Ratio: 0.02, avg300Ratio: 0.03, totalSeconds: 4e-6 },
    });
  });
});
