import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { type DiskCounters, diskRates, parseDiskstats } from '../../../agent/parsers/diskstats.js';
import { parseFileNr } from '../../../agent/parsers/file-nr.js';
import { parseKeyValueNumbers } from '../../../agent/parsers/key-value.js';
import { parseLoadAvg } from '../../../agent/parsers/loadavg.js';
import { parseMeminfo } from '../../../agent/parsers/meminfo.js';
import { type MountEntry, mountFor, parseMountinfo } from '../../../agent/parsers/mountinfo.js';
import { type CpuTimes, cpuShares, parseProcStat } from '../../../agent/parsers/proc-stat.js';
import { parsePressure } from '../../../agent/parsers/psi.js';
import { parseUptime } from '../../../agent/parsers/uptime.js';

/**
 * Property tests: whatever a procfs file holds (garbage, a truncated read, a future kernel's format),
 * a parser either returns sane values or throws SignalError, which the sampler turns into
 * "unavailable: <reason>". Any other exception would be an agent bug; a NaN or Infinity would reach
 * the JSON output as null and the checks as nonsense.
 */

/** Enough runs to hit the edge tokens below many times per parser, few enough for a unit test. */
const RUNS = 400;
/** The mutations have more dimensions (which numbers, which edge, which tokens, where to cut). */
const MUTATION_RUNS = 1_500;
const MAX_INPUT = 4_000;

const CAPTURE = new URL('../../fixtures/hosts/debian12-healthy/proc/', import.meta.url);
const captured = (file: string): string => readFileSync(new URL(file, CAPTURE), 'utf8');

interface ParserCase {
  readonly name: string;
  /** A real capture of the file the parser reads: the seed for the near-valid mutations. */
  readonly seed: string;
  readonly parse: (text: string) => unknown;
}

const PARSERS: readonly ParserCase[] = [
  {
    name: 'key-value (vmstat)',
    seed: captured('vmstat'),
    parse: (text) => parseKeyValueNumbers('/proc/vmstat', text),
  },
  { name: 'meminfo', seed: captured('meminfo'), parse: (text) => parseMeminfo('/proc/meminfo', text) },
  {
    name: 'psi',
    seed: captured('pressure/io'),
    parse: (text) => parsePressure('/proc/pressure/io', text),
  },
  { name: 'proc-stat', seed: captured('stat'), parse: (text) => parseProcStat('/proc/stat', text) },
  { name: 'loadavg', seed: captured('loadavg'), parse: (text) => parseLoadAvg('/proc/loadavg', text) },
  {
    name: 'file-nr',
    seed: captured('sys/fs/file-nr'),
    parse: (text) => parseFileNr('/proc/sys/fs/file-nr', text),
  },
  {
    name: 'diskstats',
    seed: captured('diskstats'),
    parse: (text) => parseDiskstats('/proc/diskstats', text),
  },
  {
    name: 'mountinfo',
    seed: captured('1/mountinfo'),
    parse: (text) => parseMountinfo('/proc/1/mountinfo', text),
  },
  { name: 'uptime', seed: captured('uptime'), parse: (text) => parseUptime('/proc/uptime', text) },
];

/** Every number anywhere in a parser's result must be finite and non-negative (counters, sizes, ratios). */
function collectBadNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? [] : [`${path} = ${value}`];
  }
  if (value instanceof Map) {
    return [...value].flatMap(([key, item]) => collectBadNumbers(item, `${path}.${String(key)}`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => collectBadNumbers(item, `${path}.${key}`));
  }
  return [];
}

/** The property itself: returns sane values, or throws SignalError; nothing else escapes. */
function returnsOrThrowsSignalError(parse: (text: string) => unknown, text: string): void {
  let result: unknown;
  try {
    result = parse(text);
  } catch (error) {
    if (error instanceof SignalError) {
      // The message becomes "unavailable: <reason>": one line, naming the file.
      expect(error.message).toMatch(/^\/proc\/\S+: [^\n]+$/);
      return;
    }
    throw error;
  }
  expect(collectBadNumbers(result)).toEqual([]);
}

/** Tokens that have broken parsers elsewhere: NUL, odd whitespace, escapes, field separators, keywords. */
const EDGE_TOKENS = [
  '',
  '\0',
  '\t',
  '\r',
  '\\040',
  '\\',
  '-',
  ':',
  '=',
  '/',
  'kB',
  'some',
  'full',
  'cpu',
  'avg10=100.01',
  '\uFFFD',
];

/** Replacements for the numbers of a real file: overflow to Infinity, signs, hex, exponents, nothing. */
const NUMBER_EDGES = [
  '',
  '-1',
  '-0',
  'NaN',
  'Infinity',
  '1e400',
  '9'.repeat(400),
  '18446744073709551615',
  '0x10',
  '1e3',
  '1.',
  '.5',
  '00',
];
/** A number standing on its own or after "=", not the digits of a name such as avg10 or cpu0. */
const NUMBER = /(?<![A-Za-z_\d.])\d+(?:\.\d+)?/g;

/**
 * A real capture whose numbers are partly replaced by one edge value (every `stride`-th number from
 * `offset`, so shrinking finds the one number that matters), then with a few whitespace-separated
 * tokens replaced, dropped or doubled, then cut at a random byte: the kind of input a parser meets
 * on a kernel we have not seen, or when a read races a rewrite.
 */
function mutated(seed: string): fc.Arbitrary<string> {
  const tokenCount = seed.split(/\s+/).length;
  return fc
    .record({
      numbers: fc.option(
        fc.record({
          edge: fc.constantFrom(...NUMBER_EDGES),
          stride: fc.integer({ min: 1, max: 8 }),
          offset: fc.nat({ max: 7 }),
        }),
        { nil: undefined },
      ),
      edits: fc.array(
        fc.record({
          at: fc.nat({ max: Math.max(tokenCount - 1, 0) }),
          kind: fc.constantFrom('replace', 'delete', 'duplicate'),
          token: fc.oneof(fc.constantFrom(...EDGE_TOKENS), fc.string({ maxLength: 12, unit: 'binary' })),
        }),
        { maxLength: 6 },
      ),
      cut: fc.option(fc.nat({ max: seed.length }), { nil: undefined }),
    })
    .map(({ numbers, edits, cut }) => {
      let ordinal = 0;
      const renumbered = numbers
        ? seed.replace(NUMBER, (digits) =>
            ordinal++ % numbers.stride === numbers.offset % numbers.stride ? numbers.edge : digits,
          )
        : seed;
      // Split keeping the separators: tokens sit at even indices, whitespace at odd ones.
      const parts = renumbered.split(/(\s+)/);
      for (const edit of edits) {
        const at = Math.min(edit.at * 2, parts.length - 1);
        const token = parts[at] ?? '';
        parts[at] = edit.kind === 'replace' ? edit.token : edit.kind === 'delete' ? '' : `${token} ${token}`;
      }
      const text = parts.join('');
      return cut === undefined ? text : text.slice(0, cut);
    });
}

/** Arbitrary bytes read as UTF-8, the way readText decodes a file (invalid sequences become U+FFFD). */
const decodedBytes = fc
  .uint8Array({ maxLength: MAX_INPUT })
  .map((bytes) => Buffer.from(bytes).toString('utf8'));

describe.each(PARSERS)('$name parser on hostile input', ({ seed, parse }) => {
  it('arbitrary strings: returns or throws SignalError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: MAX_INPUT }), (text) => {
        returnsOrThrowsSignalError(parse, text);
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary bytes decoded as UTF-8: returns or throws SignalError', () => {
    fc.assert(
      fc.property(decodedBytes, (text) => {
        returnsOrThrowsSignalError(parse, text);
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated and truncated real captures: returns or throws SignalError', () => {
    fc.assert(
      fc.property(mutated(seed), (text) => {
        returnsOrThrowsSignalError(parse, text);
      }),
      { numRuns: MUTATION_RUNS },
    );
  });

  it('the unmutated capture parses (the seed is a valid file, so the mutations start from sense)', () => {
    expect(() => parse(seed)).not.toThrow();
  });
});

describe('meminfo on hostile input keeps its invariant', () => {
  it('MemAvailable never exceeds MemTotal in a returned result', () => {
    fc.assert(
      fc.property(mutated(captured('meminfo')), (text) => {
        try {
          const meminfo = parseMeminfo('/proc/meminfo', text);
          expect(meminfo.availableBytes).toBeLessThanOrEqual(meminfo.totalBytes);
          expect(meminfo.totalBytes).toBeGreaterThan(0);
        } catch (error) {
          if (!(error instanceof SignalError)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** Counters as the kernel keeps them: unsigned, up to 2^53 here (beyond that JSON numbers lose digits). */
const counter = fc.oneof(fc.nat(), fc.maxSafeNat());

/**
 * /proc/stat ticks (USER_HZ = 100): 2^48 of them is ~89,000 CPU-years, so no host gets near. The bound
 * keeps the sum of the eight deltas below 2^53, where doubles stop being exact integers.
 */
const ticks = fc.oneof(fc.nat(), fc.integer({ min: 0, max: 2 ** 48 }));

const cpuTimes: fc.Arbitrary<CpuTimes> = fc.record({
  user: ticks,
  nice: ticks,
  system: ticks,
  idle: ticks,
  iowait: ticks,
  irq: ticks,
  softirq: ticks,
  steal: ticks,
  cores: fc.integer({ min: 1, max: 1024 }),
});

describe('cpuShares on arbitrary counter pairs', () => {
  it('is null or ratios in [0, 1] whose busy and iowait shares add up to at most 1', () => {
    fc.assert(
      fc.property(cpuTimes, cpuTimes, (previous, current) => {
        const shares = cpuShares(previous, current);
        if (shares === null) return;
        for (const ratio of [shares.busyRatio, shares.iowaitRatio, shares.stealRatio]) {
          expect(ratio).toBeGreaterThanOrEqual(0);
          expect(ratio).toBeLessThanOrEqual(1);
        }
        expect(shares.busyRatio + shares.iowaitRatio).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { numRuns: RUNS },
    );
  });
});

const diskCounters: fc.Arbitrary<DiskCounters> = fc.record({
  device: fc.constant('vda'),
  readsCompleted: counter,
  readMs: counter,
  writesCompleted: counter,
  writeMs: counter,
  ioMs: counter,
});

describe('diskRates on arbitrary counter pairs', () => {
  it('is undefined exactly when a counter went backwards or no time passed, else sane rates', () => {
    const fields = ['readsCompleted', 'readMs', 'writesCompleted', 'writeMs', 'ioMs'] as const;
    fc.assert(
      fc.property(
        diskCounters,
        diskCounters,
        // hrtime differences: whole nanoseconds, or none at all when two reads share a snapshot.
        fc.oneof(fc.constant(0), fc.constant(-1), fc.double({ min: 1e-9, max: 3600, noNaN: true })),
        (previous, current, elapsed) => {
          const rates = diskRates(previous, current, elapsed);
          const backwards = fields.some((field) => current[field] < previous[field]);
          if (backwards || elapsed <= 0) {
            expect(rates).toBeUndefined();
            return;
          }
          expect(rates).toBeDefined();
          expect(collectBadNumbers(rates)).toEqual([]);
          expect(rates?.utilizationRatio).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Mount points built from a few path segments, so that prefixes and stacking happen often. */
const mountPoint = fc
  .array(fc.constantFrom('var', 'lib', 'kubelet', 'kube', 'containerd', 'pods'), { maxLength: 4 })
  .map((parts) => `/${parts.join('/')}`);

describe('mountFor on arbitrary mount tables', () => {
  it('returns the longest covering mount point, and the last of equals (the top of a stack)', () => {
    const mounts = fc.array(
      fc.record({
        mountPoint,
        fsType: fc.constantFrom('ext4', 'xfs', 'tmpfs'),
        source: fc.constant('/dev/x'),
        readOnly: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(mounts, mountPoint, (table: MountEntry[], path) => {
        const covers = (point: string) => point === '/' || path === point || path.startsWith(`${point}/`);
        const covering = table.filter((mount) => covers(mount.mountPoint));
        const found = mountFor(table, path);
        if (covering.length === 0) {
          expect(found).toBeUndefined();
          return;
        }
        const longest = Math.max(...covering.map((mount) => mount.mountPoint.length));
        const top = covering.filter((mount) => mount.mountPoint.length === longest).at(-1);
        expect(found).toBe(top);
      }),
      { numRuns: RUNS },
    );
  });
});
