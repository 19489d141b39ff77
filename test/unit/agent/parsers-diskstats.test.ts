import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { type DiskCounters, diskRates, parseDiskstats } from '../../../agent/parsers/diskstats.js';

const HOSTS = new URL('../../fixtures/hosts/', import.meta.url);
const PROC = new URL('../../fixtures/proc/', import.meta.url);
const read = (base: URL, file: string): string => readFileSync(new URL(file, base), 'utf8');

/**
 * The captured vda line: " 254 0 vda 67371 13315 4014786 28111 8597 12617 2055544 8226 0 7176 …":
 * reads completed, merged, sectors, ms reading, writes completed, merged, sectors, ms writing,
 * in flight, ms doing I/O (io_ticks).
 */
const VDA: DiskCounters = {
  device: 'vda',
  readsCompleted: 67_371,
  readMs: 28_111,
  writesCompleted: 8597,
  writeMs: 8226,
  ioMs: 7176,
};

describe('parseDiskstats', () => {
  // 20 fields: kernels 5.5+ (discard and flush fields) — the capture itself. 18: 4.18–5.4 (discard
  // fields). 14: before 4.18. The older layouts are the capture cut to their field count.
  it.each([
    ['20 fields (5.5+, captured)', HOSTS, 'debian12-healthy/proc/diskstats'],
    ['18 fields (4.18–5.4)', PROC, 'diskstats-18-fields'],
    ['14 fields (before 4.18)', PROC, 'diskstats-14-fields'],
  ])('reads the same counters from %s', (_layout, base, file) => {
    const devices = parseDiskstats('/proc/diskstats', read(base, file));
    expect(devices.map((device) => device.device)).toEqual([
      'loop0',
      'loop1',
      'loop2',
      'loop3',
      'loop4',
      'loop5',
      'loop6',
      'loop7',
      'vda',
      'zram0',
    ]);
    expect(devices.find((device) => device.device === 'vda')).toEqual(VDA);
  });

  it('skips short lines (partitions of 2.6.25-era kernels had 7 fields) and keeps the rest', () => {
    const text = '   8       1 sda1 100 200 300 400\n   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n';
    expect(parseDiskstats('/p', text).map((device) => device.device)).toEqual(['sda']);
  });

  it('skips lines with negative, non-numeric or overflowing counters', () => {
    const good = '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11';
    const text = [
      '   8      16 sdb 1 2 3 -4 5 6 7 8 9 10 11',
      '   8      32 sdc 1 2 3 x 5 6 7 8 9 10 11',
      `   8      48 sdd 1 2 3 ${'9'.repeat(400)} 5 6 7 8 9 10 11`,
      good,
    ].join('\n');
    expect(parseDiskstats('/p', text).map((device) => device.device)).toEqual(['sda']);
  });

  it('returns no devices for an empty file (a host without block devices)', () => {
    expect(parseDiskstats('/p', '')).toEqual([]);
  });

  it('throws SignalError when text is present but no line is well formed', () => {
    expect(() => parseDiskstats('/proc/diskstats', '\u00de\u00ad garbage 254 0 vda\n')).toThrow(
      new SignalError('/proc/diskstats: no well-formed line'),
    );
  });
});

describe('diskRates', () => {
  const later: DiskCounters = {
    device: 'vda',
    readsCompleted: VDA.readsCompleted + 30,
    readMs: VDA.readMs + 600,
    writesCompleted: VDA.writesCompleted + 10,
    writeMs: VDA.writeMs + 1400,
    ioMs: VDA.ioMs + 500,
  };

  it('computes await, utilisation and request rates between two samples', () => {
    expect(diskRates(VDA, later, 2)).toEqual({
      // (600 + 1400) ms over 40 requests = 50 ms.
      awaitSeconds: 0.05,
      // 500 ms busy in 2 s.
      utilizationRatio: 0.25,
      readsPerSecond: 15,
      writesPerSecond: 5,
    });
  });

  it('has no await (null) when no request completed', () => {
    expect(diskRates(VDA, VDA, 1)).toEqual({
      awaitSeconds: null,
      utilizationRatio: 0,
      readsPerSecond: 0,
      writesPerSecond: 0,
    });
  });

  it('caps utilisation at 1 (io_ticks can run ahead of our clock)', () => {
    expect(diskRates(VDA, { ...VDA, ioMs: VDA.ioMs + 1500 }, 1)?.utilizationRatio).toBe(1);
  });

  it.each(['readsCompleted', 'readMs', 'writesCompleted', 'writeMs', 'ioMs'] as const)(
    'is undefined when %s went backwards (32-bit wrap or device reset)',
    (field) => {
      expect(diskRates(later, { ...later, [field]: later[field] - 1 }, 1)).toBeUndefined();
    },
  );

  it('is undefined when no time passed', () => {
    expect(diskRates(VDA, later, 0)).toBeUndefined();
  });
});
