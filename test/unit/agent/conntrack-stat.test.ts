import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import {
  type ConntrackStat,
  conntrackStatDeltas,
  parseConntrackStat,
  toCounters,
} from '../../../agent/parsers/conntrack-stat.js';

const SOURCE = '/proc/net/stat/nf_conntrack';
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/conntrack/${name}`, import.meta.url), 'utf8');
const parseFixture = (name: string): ConntrackStat => parseConntrackStat(SOURCE, fixture(name));

/** One column's raw per-CPU cells. */
const cellsOf = (stat: ConntrackStat, column: string): readonly number[] => stat.cells.get(column) ?? [];

const UINT32 = 2 ** 32;
const NEW_HEADER =
  'entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart';

/** A 6.18-layout file whose `drop` cells are the given values and every other counter 0. */
function withDropCells(entries: number, drops: readonly number[]): string {
  const hex = (value: number) => value.toString(16).padStart(8, '0');
  const rows = drops.map((drop) => {
    const cells = Array.from({ length: 16 }, () => hex(0));
    cells[9] = hex(drop); // drop is the 11th column, the 10th after entries
    return `${hex(entries)}  ${cells.join(' ')}`;
  });
  return `${NEW_HEADER}\n${rows.join('\n')}\n`;
}

describe('parseConntrackStat on real captures (Linux 6.18, this CI machine)', () => {
  it('reads the initial namespace: 17 columns by name, 2 CPU rows, all zero', () => {
    const stat = parseFixture('linux-6.18-host.txt');
    expect(stat.columns).toHaveLength(17);
    expect(stat.columns).toContain('clashres');
    expect(stat.columns).toContain('chainlength');
    expect(stat.cpus).toBe(2);
    expect(stat.entries).toBe(0);
    expect(cellsOf(stat, 'drop')).toEqual([0, 0]);
    expect(stat.cells.has('entries')).toBe(false);
  });

  it('reads entries once, from the first row, in a full table (64 printed on both rows is 64, not 128)', () => {
    const stat = parseFixture('linux-6.18-netns-full.txt');
    expect(stat.entries).toBe(64);
    expect(cellsOf(stat, 'drop')).toEqual([0x27, 0x2d]);
    expect(cellsOf(stat, 'insert_failed')).toEqual([0, 0]);
  });

  it('takes entries from the first row, not from later rows nor a sum', () => {
    const first = withDropCells(7, [1]).split('\n')[1];
    const second = withDropCells(9, [2]).split('\n')[1];
    expect(parseConntrackStat(SOURCE, `${NEW_HEADER}\n${first}\n${second}\n`).entries).toBe(7);
  });
});

describe('parseConntrackStat on older layouts (constructed from the kernel source, see the fixtures README)', () => {
  it('2.6.31: 16 columns, old spelling, rows ending in a space', () => {
    const stat = parseFixture('linux-2.6.31-16col.txt');
    expect(stat.columns).toHaveLength(16);
    expect(stat.columns).not.toContain('search_restart');
    expect(stat.cpus).toBe(2);
    expect(stat.entries).toBe(0x1f3);
    expect(cellsOf(stat, 'insert_failed')).toEqual([2, 1]);
    expect(cellsOf(stat, 'expect_delete')).toEqual([0, 0]);
  });

  it('3.6: 17 columns, old spelling, search_restart last, 4 CPUs', () => {
    const stat = parseFixture('linux-3.6-17col.txt');
    expect(stat.columns.at(-1)).toBe('search_restart');
    expect(stat.columns).toContain('searched');
    expect(stat.columns).toContain('delete_list');
    expect(stat.cpus).toBe(4);
    expect(stat.entries).toBe(10_000);
    expect(cellsOf(stat, 'drop')).toEqual([3, 2, 1, 4]);
    expect(cellsOf(stat, 'search_restart')).toEqual([0xc, 0xa, 0xb, 0xd]);
  });

  it('5.10: clashres in place of searched, delete_list still there', () => {
    const stat = parseFixture('linux-5.10-clashres.txt');
    expect(stat.columns[1]).toBe('clashres');
    expect(stat.columns).toContain('delete_list');
    expect(stat.columns).not.toContain('chainlength');
    expect(cellsOf(stat, 'clashres')).toEqual([0x15, 0x11]);
  });

  it('maps each layout to the reported counters, with null for columns the kernel does not print', () => {
    const sums = (stat: ConntrackStat) =>
      new Map([...stat.cells].map(([column, cells]) => [column, cells.reduce((a, b) => a + b, 0)]));
    const old16 = toCounters(sums(parseFixture('linux-2.6.31-16col.txt')));
    expect(old16).toMatchObject({ insertFailed: 3, icmpError: 11, searchRestart: null });
    expect(old16.clashResolve).toBeNull();
    expect(old16.chainTooLong).toBeNull();

    const old17 = toCounters(sums(parseFixture('linux-3.6-17col.txt')));
    expect(old17).toMatchObject({ drop: 10, earlyDrop: 30, searchRestart: 46, clashResolve: null });

    const clash = toCounters(sums(parseFixture('linux-5.10-clashres.txt')));
    expect(clash).toMatchObject({ clashResolve: 0x26, insertFailed: 11, chainTooLong: null });

    const current = toCounters(sums(parseFixture('linux-6.18-netns-full.txt')));
    expect(current).toMatchObject({ drop: 84, clashResolve: 0, chainTooLong: 0, searchRestart: 0 });
  });
});

describe('conntrackStatDeltas', () => {
  it('is wrap-safe per CPU: 0xfffffff0 -> 0x00000010 on one CPU is +32', () => {
    const deltas = conntrackStatDeltas(parseFixture('wrap-before.txt'), parseFixture('wrap-after.txt'));
    expect(deltas?.get('drop')).toBe(32 + 2);
    expect(deltas?.get('insert_failed')).toBe(1 + 5);
    expect(deltas?.get('clashres')).toBe(1 + 2);
    expect(deltas?.get('invalid')).toBe(0);
    expect(deltas?.has('entries')).toBe(false);
    expect(toCounters(deltas ?? new Map())).toMatchObject({ drop: 34, insertFailed: 6, clashResolve: 3 });
  });

  it('sums per-CPU increases even when their total passes 2^32 (summing cells first would lose it)', () => {
    const before = parseConntrackStat(SOURCE, withDropCells(0, [0x40000000, 0x40000000]));
    const after = parseConntrackStat(SOURCE, withDropCells(0, [0x00000000, 0x00000000]));
    // Each CPU advanced by 0xc0000000 and wrapped once.
    expect(conntrackStatDeltas(before, after)?.get('drop')).toBe(2 * 0xc0000000);
  });

  it('property: for any per-CPU start and increase below 2^32, the delta is the sum of the increases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(UINT32 - 1), fc.nat(UINT32 - 1)), { minLength: 1, maxLength: 64 }),
        (cpus) => {
          const before = parseConntrackStat(
            SOURCE,
            withDropCells(
              1,
              cpus.map(([start]) => start),
            ),
          );
          const after = parseConntrackStat(
            SOURCE,
            withDropCells(
              1,
              cpus.map(([start, increase]) => (start + increase) % UINT32),
            ),
          );
          const expected = cpus.reduce((sum, [, increase]) => sum + increase, 0);
          expect(conntrackStatDeltas(before, after)?.get('drop')).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses to compare reads with different CPU rows or headers', () => {
    const twoCpus = parseConntrackStat(SOURCE, withDropCells(0, [1, 2]));
    const threeCpus = parseConntrackStat(SOURCE, withDropCells(0, [1, 2, 3]));
    expect(conntrackStatDeltas(twoCpus, threeCpus)).toBeUndefined();
    expect(conntrackStatDeltas(parseFixture('linux-5.10-clashres.txt'), parseFixture('wrap-after.txt'))).toBe(
      undefined,
    );
  });
});

describe('parseConntrackStat on bad input', () => {
  const header = NEW_HEADER;
  const row = withDropCells(0, [0]).split('\n')[1] ?? '';
  const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['an empty file', '', /empty file/],
    ['a header only', `${header}\n`, /no CPU rows/],
    ['a header not starting with entries', `found entries drop\n${row}\n`, /starting with "entries"/],
    ['a header without drop', header.replace(' drop ', ' dorp '), /header lacks "drop"$/],
    ['a duplicated column', header.replace('clashres', 'found'), /"found" appears twice/],
    ['a column name with odd characters', header.replace('found', 'fo-und'), /bad column name/],
    ['a short row', `${header}\n${row.split(' ').slice(0, -2).join(' ')}\n`, /has 15 cells, header has 17/],
    ['a non-hex cell', `${header}\n${row.replace(/^00000000/, '0000zz00')}\n`, /not a 32-bit hex value/],
    ['a 9-digit cell', `${header}\n${row.replace(/^00000000/, '100000000')}\n`, /not a 32-bit hex value/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what} with a SignalError naming the file`, () => {
      let thrown: unknown;
      try {
        parseConntrackStat(SOURCE, text);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SignalError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message.startsWith(`${SOURCE}: `)).toBe(true);
    });
  }
});

describe('parseConntrackStat properties: only SignalError escapes, every value is a 32-bit count', () => {
  const seed = fixture('linux-6.18-netns-full.txt');

  const checkParse = (text: string) => {
    let stat: ConntrackStat;
    try {
      stat = parseConntrackStat(SOURCE, text);
    } catch (error) {
      if (error instanceof SignalError) return;
      throw error;
    }
    expect(stat.cpus).toBeGreaterThan(0);
    for (const value of [stat.entries, ...[...stat.cells.values()].flat()]) {
      expect(Number.isInteger(value) && value >= 0 && value < UINT32).toBe(true);
    }
    for (const cells of stat.cells.values()) expect(cells).toHaveLength(stat.cpus);
  };

  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2_000 }), checkParse), { numRuns: 400 });
  });

  it('random bytes decoded as the agent decodes them (UTF-8)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) =>
        checkParse(Buffer.from(bytes).toString('utf8')),
      ),
      { numRuns: 400 },
    );
  });

  it('near-valid mutations of the real capture (cut, spliced, tokens replaced)', () => {
    const tokens = seed.split(/(\s+)/);
    const edge = fc.constantFrom(
      '',
      ' ',
      '\n',
      'ffffffff',
      '100000000',
      '-1',
      'entries',
      'drop',
      '0x10',
      'é',
    );
    fc.assert(
      fc.property(
        fc.nat(seed.length),
        fc.array(fc.tuple(fc.nat(tokens.length - 1), edge), { maxLength: 6 }),
        (cut, replacements) => {
          const mutated = [...tokens];
          for (const [index, token] of replacements) mutated[index] = token;
          checkParse(mutated.join('').slice(0, cut));
          checkParse(mutated.join(''));
        },
      ),
      { numRuns: 400 },
    );
  });
});
