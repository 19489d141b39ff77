import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { parseKeyValueNumbers, required } from '../../../agent/parsers/key-value.js';
import { parseMeminfo } from '../../../agent/parsers/meminfo.js';

/** Captured on this project's CI machine (Debian 12, kernel 6.18); see test/fixtures/README.md. */
const CAPTURE = new URL('../../fixtures/hosts/debian12-healthy/proc/', import.meta.url);
const captured = (file: string): string => readFileSync(new URL(file, CAPTURE), 'utf8');
const KIB = 1024;

describe('parseKeyValueNumbers', () => {
  it('reads every line of a captured /proc/vmstat ("key value", no unit)', () => {
    const values = parseKeyValueNumbers('/proc/vmstat', captured('vmstat'));
    expect(values.size).toBe(captured('vmstat').trim().split('\n').length);
    expect(values.get('oom_kill')).toBe(0);
    expect(values.get('nr_free_pages')).toBeGreaterThan(0);
  });

  it('applies the unit factor of "Key: N kB" lines and keeps unit-less lines as they are', () => {
    const values = parseKeyValueNumbers('/proc/meminfo', 'MemTotal: 2 kB\nHugePages_Total: 3\n', { kB: KIB });
    expect(values.get('MemTotal')).toBe(2 * KIB);
    expect(values.get('HugePages_Total')).toBe(3);
  });

  it('accepts parentheses in keys, as in Active(anon)', () => {
    const values = parseKeyValueNumbers('/proc/meminfo', 'Active(anon):  1560 kB\n', { kB: KIB });
    expect(values.get('Active(anon)')).toBe(1560 * KIB);
  });

  it('skips lines with an unknown unit, negative or non-numeric values, and numbers beyond a double', () => {
    const text = `A: 1 MB\nB: -1\nC: x\nD: ${'9'.repeat(400)}\nE: 7\n`;
    const values = parseKeyValueNumbers('/proc/meminfo', text, { kB: KIB });
    expect([...values]).toEqual([['E', 7]]);
  });

  it('throws SignalError naming the file when no line parses (empty or garbage)', () => {
    expect(() => parseKeyValueNumbers('/proc/vmstat', '')).toThrow(
      new SignalError('/proc/vmstat: no "key value" lines'),
    );
    expect(() => parseKeyValueNumbers('/proc/vmstat', '\u0000\uFFFD garbage\n')).toThrow(SignalError);
  });

  it('required() names the missing key', () => {
    const values = new Map([['a', 1]]);
    expect(required('/proc/x', values, 'a')).toBe(1);
    expect(() => required('/proc/x', values, 'b')).toThrow(new SignalError('/proc/x: no b'));
  });
});

describe('parseMeminfo', () => {
  it('reads the captured /proc/meminfo in bytes', () => {
    expect(parseMeminfo('/proc/meminfo', captured('meminfo'))).toEqual({
      totalBytes: 24_684_084 * KIB,
      availableBytes: 24_310_056 * KIB,
      swapTotalBytes: 0,
      swapFreeBytes: 0,
    });
  });

  it('reads swap when there is some', () => {
    const text = 'MemTotal: 1000 kB\nMemAvailable: 500 kB\nSwapTotal: 2048 kB\nSwapFree: 1024 kB\n';
    expect(parseMeminfo('/proc/meminfo', text)).toMatchObject({
      swapTotalBytes: 2048 * KIB,
      swapFreeBytes: 1024 * KIB,
    });
  });

  it('treats a file without swap lines as no swap', () => {
    const meminfo = parseMeminfo('/proc/meminfo', 'MemTotal: 1000 kB\nMemAvailable: 500 kB\n');
    expect(meminfo.swapTotalBytes).toBe(0);
    expect(meminfo.swapFreeBytes).toBe(0);
  });

  it('rejects a kernel before 3.14 (no MemAvailable) with a reason naming the key', () => {
    const text = 'MemTotal: 1000 kB\nMemFree: 500 kB\nBuffers: 10 kB\nCached: 100 kB\n';
    expect(() => parseMeminfo('/proc/meminfo', text)).toThrow(
      new SignalError('/proc/meminfo: no MemAvailable'),
    );
  });

  it('rejects a truncated read that lost MemTotal', () => {
    expect(() => parseMeminfo('/proc/meminfo', 'MemAvailable: 500 kB\n')).toThrow(
      new SignalError('/proc/meminfo: no MemTotal'),
    );
  });

  it('rejects MemAvailable above MemTotal and a zero MemTotal', () => {
    expect(() => parseMeminfo('/proc/meminfo', 'MemTotal: 10 kB\nMemAvailable: 11 kB\n')).toThrow(
      /MemAvailable 11264 does not fit MemTotal 10240/,
    );
    expect(() => parseMeminfo('/proc/meminfo', 'MemTotal: 0 kB\nMemAvailable: 0 kB\n')).toThrow(SignalError);
  });

  it('accepts MemAvailable equal to MemTotal (the boundary)', () => {
    expect(parseMeminfo('/proc/meminfo', 'MemTotal: 10 kB\nMemAvailable: 10 kB\n').availableBytes).toBe(
      10 * KIB,
    );
  });
});
