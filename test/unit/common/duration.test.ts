import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../common/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['0', 0],
    ['0s', 0],
    [' 10s ', 10_000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '5x',
    '',
    '   ',
    '-1s',
    '10',
    's',
    '1.s',
    '1..5s',
    '5 s',
    '10sx',
    '1d',
    '+1s',
    '1e3ms',
    `${'9'.repeat(400)}h`,
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('is not confused by its own regex state between calls (sticky lastIndex)', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('5x')).toBeUndefined();
    expect(parseDuration('1m30s')).toBe(90_000);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999.4, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [59_999, '59.999s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_723_000, '1h2m3s'],
    [7 * 86_400_000, '168h'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds to whole seconds above a minute without writing 60s or 60m', () => {
    expect(formatDuration(119_600)).toBe('2m');
    expect(formatDuration(3_599_700)).toBe('1h');
    expect(formatDuration(3_659_500)).toBe('1h1m');
  });

  it('round-trips: parse(format(ms)) is ms below a minute (to the ms) and to the second above', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59_999 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 10 * 24 * 3600 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * 1000))).toBe(seconds * 1000);
      }),
    );
  });

  it('always prints a form parseDuration accepts, within half a second', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e10, noNaN: true }), (ms) => {
        const text = formatDuration(ms);
        // Never "60s" or "60m" (that is "1m" and "1h"); "60ms" is fine.
        expect(text).not.toMatch(/(^|\D)60(s|m(?!s))/);
        const back = parseDuration(text);
        expect(back).toBeDefined();
        expect(Math.abs((back ?? Number.NaN) - ms)).toBeLessThanOrEqual(500);
      }),
    );
  });

  it('round-trips format(parse(text)) for canonical texts', () => {
    for (const text of ['250ms', '1.5s', '10s', '1m30s', '2h', '1h2m3s']) {
      expect(formatDuration(parseDuration(text) ?? Number.NaN)).toBe(text);
    }
  });
});
