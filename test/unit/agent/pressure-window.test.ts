import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HostPaths } from '../../../agent/host/host-paths.js';
import type { PressureFile, PressureFileLine } from '../../../agent/parsers/psi.js';
import { createPressureReader } from '../../../agent/signals/pressure.js';
import { createPressureWindow, stallShare } from '../../../agent/signals/pressure-window.js';

const SECOND_NS = 1_000_000_000n;

function fileLine(totalSeconds: number, avg10Ratio = 0.25): PressureFileLine {
  return { avg10Ratio, avg60Ratio: 0.1, avg300Ratio: 0.05, totalSeconds };
}

function file(someTotal: number, fullTotal?: number): PressureFile {
  return fullTotal === undefined
    ? { some: fileLine(someTotal) }
    : { some: fileLine(someTotal), full: fileLine(fullTotal) };
}

describe('stallShare', () => {
  it('is the growth of the total over the elapsed time', () => {
    expect(stallShare(100, 105, 10)).toBe(0.5);
    expect(stallShare(100, 100, 10)).toBe(0);
    expect(stallShare(7.25, 7.5, 0.5)).toBe(0.5);
  });

  it('is null when no time passed or the total went backwards (another boot or host tree)', () => {
    expect(stallShare(100, 105, 0)).toBeNull();
    expect(stallShare(100, 105, -1)).toBeNull();
    expect(stallShare(100, 99.999999, 10)).toBeNull();
  });

  it('is clamped to 1 when the kernel counted a little more stall than the agent measured time', () => {
    expect(stallShare(100, 110.05, 10)).toBe(1);
    expect(stallShare(100, 110, 10)).toBe(1);
  });

  it('is always null or a share in 0–1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: -10, max: 1e6, noNaN: true }),
        (before, after, elapsed) => {
          const share = stallShare(before, after, elapsed);
          expect(share === null || (share >= 0 && share <= 1)).toBe(true);
        },
      ),
    );
  });
});

describe('createPressureWindow', () => {
  it('has no interval share on the first read, and keeps what the file said', () => {
    const window = createPressureWindow();
    expect(window({ file: file(40, 12), atNs: 5n * SECOND_NS })).toEqual({
      some: { ...fileLine(40), intervalRatio: null },
      full: { ...fileLine(12), intervalRatio: null },
      intervalSeconds: null,
    });
  });

  it('gives each line its share of the time between two reads', () => {
    const window = createPressureWindow();
    window({ file: file(40, 12), atNs: 5n * SECOND_NS });
    const pressure = window({ file: file(42, 12.5), atNs: 7n * SECOND_NS + SECOND_NS / 2n });
    expect(pressure?.intervalSeconds).toBe(2.5);
    expect(pressure?.some.intervalRatio).toBe(0.8);
    expect(pressure?.full?.intervalRatio).toBe(0.2);
    expect(pressure?.some.avg10Ratio).toBe(0.25);
  });

  it('spans each interval from the read before it, not from the first', () => {
    const window = createPressureWindow();
    window({ file: file(0), atNs: 0n });
    window({ file: file(10), atNs: 10n * SECOND_NS });
    expect(window({ file: file(11), atNs: 20n * SECOND_NS })?.some.intervalRatio).toBe(0.1);
  });

  it('has no share for a line whose total went backwards, and resumes from that read', () => {
    const window = createPressureWindow();
    window({ file: file(40, 12), atNs: 0n });
    const reset = window({ file: file(3, 12.5), atNs: 10n * SECOND_NS });
    expect(reset?.some.intervalRatio).toBeNull();
    expect(reset?.full?.intervalRatio).toBe(0.05);
    expect(window({ file: file(8, 12.5), atNs: 20n * SECOND_NS })?.some.intervalRatio).toBe(0.5);
  });

  it('has no share when no time passed between the reads', () => {
    const window = createPressureWindow();
    window({ file: file(40), atNs: 3n * SECOND_NS });
    const same = window({ file: file(41), atNs: 3n * SECOND_NS });
    expect(same?.intervalSeconds).toBeNull();
    expect(same?.some.intervalRatio).toBeNull();
  });

  it('clamps a share above 1', () => {
    const window = createPressureWindow();
    window({ file: file(40), atNs: 0n });
    expect(window({ file: file(50.2), atNs: 10n * SECOND_NS })?.some.intervalRatio).toBe(1);
  });

  it('starts over after the file went missing, and has no full share when the line is new', () => {
    const window = createPressureWindow();
    window({ file: file(40), atNs: 0n });
    expect(window(null)).toBeNull();
    const back = window({ file: file(45, 1), atNs: 10n * SECOND_NS });
    expect(back?.intervalSeconds).toBeNull();
    expect(back?.some.intervalRatio).toBeNull();
    const next = window({ file: file(50, 3), atNs: 20n * SECOND_NS });
    expect(next?.some.intervalRatio).toBe(0.5);
    expect(next?.full?.intervalRatio).toBe(0.2);
    const grown = createPressureWindow();
    grown({ file: file(0), atNs: 0n });
    expect(grown({ file: file(1, 1), atNs: SECOND_NS })?.full?.intervalRatio).toBeNull();
  });
});

describe('createPressureReader on a host tree', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  function psiTree(): { paths: HostPaths; write: (someMicros: number) => string } {
    const root = mkdtempSync(join(tmpdir(), 'nodedoc-psi-tree-'));
    roots.push(root);
    mkdirSync(join(root, 'proc/pressure'), { recursive: true });
    const path = join(root, 'proc/pressure/cpu');
    return {
      paths: new HostPaths(root),
      write: (someMicros) => {
        writeFileSync(path, `some avg10=12.50 avg60=3.00 avg300=1.00 total=${someMicros}\n`);
        return path;
      },
    };
  }

  it('measures the share between two real reads by the monotonic clock', async () => {
    const { paths, write } = psiTree();
    const read = createPressureReader(paths, 'cpu');
    write(1_000_000);
    expect((await read())?.some.intervalRatio).toBeNull();
    // The total did not move: no stall, whatever avg10 says.
    const idle = await read();
    expect(idle?.some.intervalRatio).toBe(0);
    expect(idle?.some.avg10Ratio).toBe(0.125);
    expect(idle?.intervalSeconds).toBeGreaterThan(0);
    // An hour of stall cannot fit between two reads of a test: the share is clamped to all of the interval.
    write(3_601_000_000);
    expect((await read())?.some.intervalRatio).toBe(1);
  });

  it('is null without the file, and starts over when it comes back', async () => {
    const { paths, write } = psiTree();
    const read = createPressureReader(paths, 'cpu');
    const path = write(1_000_000);
    await read();
    unlinkSync(path);
    expect(await read()).toBeNull();
    write(2_000_000);
    expect((await read())?.some.intervalRatio).toBeNull();
  });
});
