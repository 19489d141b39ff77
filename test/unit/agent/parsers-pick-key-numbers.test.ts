import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKeyValueNumbers, pickKeyNumbers } from '../../../agent/parsers/key-value.js';
import { parseOomKills } from '../../../agent/parsers/vmstat.js';

const MEMINFO =
  'MemTotal:       24574252 kB\nMemFree:        23873600 kB\nMemAvailable:   24095860 kB\nSwapTotal:             0 kB\n';

describe('pickKeyNumbers', () => {
  it('finds keys at the start of the text and on later lines, applying the unit', () => {
    const values = pickKeyNumbers(MEMINFO, ['MemTotal', 'MemAvailable', 'SwapTotal'], { kB: 1024 });
    expect(Object.fromEntries(values)).toEqual({
      MemTotal: 24574252 * 1024,
      MemAvailable: 24095860 * 1024,
      SwapTotal: 0,
    });
  });

  it('does not take a longer key that merely starts with the wanted one', () => {
    expect(pickKeyNumbers('oom_kill_extra 5\noom_kill 2\n', ['oom_kill']).get('oom_kill')).toBe(2);
    expect(pickKeyNumbers('MemTotalX: 1 kB\n', ['MemTotal'], { kB: 1024 }).has('MemTotal')).toBe(false);
  });

  it('leaves out keys whose unit is not allowed or whose value is malformed or too large', () => {
    const values = pickKeyNumbers(`a 1 MB\nb: x\nc 1${'9'.repeat(400)}\n`, ['a', 'b', 'c'], {
      kB: 1024,
    });
    expect(values.size).toBe(0);
  });

  it('agrees with the full parser on every key of a real meminfo', () => {
    const full = parseKeyValueNumbers('meminfo', MEMINFO, { kB: 1024 });
    expect(pickKeyNumbers(MEMINFO, [...full.keys()], { kB: 1024 })).toEqual(full);
  });

  it('never throws and only yields finite numbers, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string({ minLength: 1 }), { maxLength: 4 }), (text, keys) => {
        for (const value of pickKeyNumbers(text, keys, { kB: 1024 }).values()) {
          expect(Number.isFinite(value)).toBe(true);
        }
      }),
    );
  });
});

describe('parseOomKills', () => {
  it('reads oom_kill from vmstat, or null on kernels without the counter', () => {
    expect(parseOomKills('nr_free_pages 5\noom_kill 3\nnr_foo 1\n')).toBe(3);
    expect(parseOomKills('nr_free_pages 5\n')).toBeNull();
  });
});
