import { describe, expect, it } from 'vitest';
import { formatBytes, formatRatio, parseBytes } from '../../../common/bytes.js';

describe('parseBytes', () => {
  it.each([
    ['4096', 4096],
    ['100Mi', 100 * 2 ** 20],
    ['1Ki', 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Ti', 2 * 2 ** 40],
    ['500M', 500e6],
    ['1k', 1000],
    ['1K', 1000],
    ['3G', 3e9],
    ['1T', 1e12],
    [' 100 Mi ', 100 * 2 ** 20],
    ['0', 0],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it('rounds fractional bytes to whole bytes', () => {
    expect(parseBytes('1.5')).toBe(2);
    expect(parseBytes('0.001Ki')).toBe(1);
  });

  it.each(['', 'Mi', '-1', '-1Mi', '1Pi', '1MB', '1mi', '1 2', 'abc', '1e3', `${'9'.repeat(400)}Ti`])(
    'rejects %j',
    (text) => {
      expect(parseBytes(text)).toBeUndefined();
    },
  );
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [100 * 2 ** 20, '100 MiB'],
    [83_886_080, '80.0 MiB'],
    [24_684_084 * 1024, '23.5 GiB'],
    [2 ** 50, '1.0 PiB'],
    [2 ** 60, '1024 PiB'],
  ])('%d is %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatRatio', () => {
  it.each([
    [0, '0.0%'],
    [0.1234, '12.3%'],
    [0.9, '90.0%'],
    [1, '100.0%'],
  ])('%d is %j', (ratio, text) => {
    expect(formatRatio(ratio)).toBe(text);
  });
});
