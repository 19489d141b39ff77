import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskSpoolStorage } from '../../../agent/link/disk-spool-storage.js';
import { MemorySpoolStorage } from '../../../agent/link/memory-spool-storage.js';
import { MIN_SPOOL_MAX_BYTES, Spool, SpoolError } from '../../../agent/link/spool.js';
import { MAX_REPORT_BYTES, RECORD_HEADER_BYTES } from '../../../agent/link/spool-record.js';
import type { SpoolStorage } from '../../../agent/link/spool-storage.js';
import { recordingLogger } from './link-test-support.js';

/**
 * The write-ahead spool on real files (and its in-memory twin): order, acks, the cap, torn tails,
 * persistence across restarts and crashes, and — over random histories — sequences that never repeat
 * and reports that are never lost unless dropped oldest-first over the cap.
 */

const BIG = Number.MAX_SAFE_INTEGER;
const DEFAULT_CAP = 64 * 1024 * 1024;

/** A payload that names its sequence, so a read can be checked against what was appended. */
function payloadFor(sequence: bigint, size = 64): Buffer {
  const label = `report ${sequence};`;
  return Buffer.concat([Buffer.from(label), Buffer.alloc(Math.max(0, size - label.length), 0x2e)]);
}

function sequenceOf(payload: Buffer): bigint {
  const match = /^report (\d+);/.exec(payload.subarray(0, 32).toString('latin1'));
  if (!match?.[1])
    throw new Error(`payload names no sequence: ${payload.subarray(0, 32).toString('latin1')}`);
  return BigInt(match[1]);
}

interface Observed {
  dropped: number;
  droppedThrough: bigint;
  bytes: number;
  reports: number;
}

async function openSpool(storage: SpoolStorage, maxBytes = DEFAULT_CAP) {
  const { logger, lines } = recordingLogger();
  const seen: Observed = { dropped: 0, droppedThrough: 0n, bytes: 0, reports: 0 };
  const spool = await Spool.open({
    storage,
    maxBytes,
    logger,
    observer: {
      size: (bytes, reports) => {
        seen.bytes = bytes;
        seen.reports = reports;
      },
      dropped: (reports, through) => {
        seen.dropped += reports;
        seen.droppedThrough = through;
      },
    },
  });
  return { spool, seen, lines };
}

async function appendMany(spool: Spool, count: number, size = 64): Promise<bigint[]> {
  const sequences: bigint[] = [];
  for (let i = 0; i < count; i += 1)
    sequences.push(await spool.append((sequence) => payloadFor(sequence, size)));
  return sequences;
}

async function readAll(spool: Spool, after = 0n): Promise<bigint[]> {
  const records = await spool.read(after, BIG, BIG);
  for (const record of records) expect(sequenceOf(record.payload)).toBe(record.sequence);
  return records.map((record) => record.sequence);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodedoc-spool-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Flips bits of one byte of a file in place: rot the checksum must catch. */
function flipBits(path: string, offset: number, mask: number): void {
  const bytes = readFileSync(path);
  bytes.writeUInt8(bytes.readUInt8(offset) ^ mask, offset);
  writeFileSync(path, bytes);
}

const segmentFiles = () =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort();
const stateFile = () =>
  JSON.parse(readFileSync(join(dir, 'spool-state.json'), 'utf8')) as Record<string, string>;

describe.each([
  ['on disk', () => new DiskSpoolStorage(dir) as SpoolStorage],
  ['in memory', () => new MemorySpoolStorage() as SpoolStorage],
])('Spool %s', (_name, storage) => {
  it('numbers reports 1, 2, 3… and reads them back in order, within batch limits', async () => {
    const { spool } = await openSpool(storage());
    expect(await appendMany(spool, 10)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect(await readAll(spool)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect((await spool.read(0n, BIG, 3)).map((r) => r.sequence)).toEqual([1n, 2n, 3n]);
    // 64-byte payloads: 150 bytes take two; the first one always comes, whatever the byte limit.
    expect((await spool.read(4n, 150, BIG)).map((r) => r.sequence)).toEqual([5n, 6n]);
    expect((await spool.read(4n, 1, BIG)).map((r) => r.sequence)).toEqual([5n]);
    expect(await readAll(spool, 10n)).toEqual([]);
    expect(spool.pendingReports).toBe(10);
    await spool.close();
  });

  it('releases what is acknowledged and never reads it again', async () => {
    const { spool, seen } = await openSpool(storage());
    await appendMany(spool, 10);
    expect(await spool.ack(4n)).toBe(4);
    expect(await spool.ack(3n)).toBe(0);
    expect(await readAll(spool)).toEqual([5n, 6n, 7n, 8n, 9n, 10n]);
    expect(spool.pendingReports).toBe(6);
    expect(seen.reports).toBe(6);
    expect(await spool.ack(10n)).toBe(6);
    expect(await readAll(spool)).toEqual([]);
    expect(seen.reports).toBe(0);
    await spool.close();
  });

  it('continues above a sequence the collector has that the spool never handed out', async () => {
    const { spool } = await openSpool(storage());
    await appendMany(spool, 3);
    expect(await spool.ack(40n)).toBe(3);
    expect(spool.pendingReports).toBe(0);
    expect(await appendMany(spool, 2)).toEqual([41n, 42n]);
    expect(await readAll(spool)).toEqual([41n, 42n]);
    await spool.close();
  });

  it('over the cap drops the oldest unacknowledged reports first, counts them and warns once per episode', async () => {
    const { spool, seen, lines } = await openSpool(storage(), MIN_SPOOL_MAX_BYTES);
    const size = 10 * 1024;
    await appendMany(spool, 60, size);
    const kept = await readAll(spool);
    // Never over the cap; what is left is the newest, without a hole; the rest was counted as dropped.
    expect(spool.bytes).toBeLessThanOrEqual(MIN_SPOOL_MAX_BYTES);
    expect(seen.bytes).toBe(spool.bytes);
    expect(kept.at(-1)).toBe(60n);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => BigInt(60 - kept.length + 1 + i)));
    expect(seen.dropped).toBe(60 - kept.length);
    expect(seen.dropped).toBeGreaterThan(30);
    expect(seen.droppedThrough).toBe(kept[0] === undefined ? 60n : (kept[0] as bigint) - 1n);
    const warnings = () => lines().filter((line) => String(line.msg).startsWith('spool full'));
    expect(warnings()).toHaveLength(1);

    // Drained (acknowledged) below half the cap: the episode ends, and the next overflow warns again.
    await spool.ack(60n);
    await appendMany(spool, 3, size);
    expect(lines().some((line) => String(line.msg).startsWith('spool drained below half'))).toBe(true);
    expect(warnings()).toHaveLength(1);
    await appendMany(spool, 40, size);
    expect(warnings()).toHaveLength(2);
    await spool.close();
  });

  it('refuses a report too large to ever send, without using up its sequence', async () => {
    const { spool } = await openSpool(storage());
    await expect(spool.append(() => Buffer.alloc(MAX_REPORT_BYTES + 1))).rejects.toThrow(SpoolError);
    expect(await appendMany(spool, 1)).toEqual([1n]);
    await spool.close();
  });
});

describe('Spool on disk across restarts', () => {
  it('keeps its epoch and its sequence: a reopened spool continues where it stopped', async () => {
    const first = await openSpool(new DiskSpoolStorage(dir));
    await appendMany(first.spool, 3);
    await first.spool.ack(1n);
    await first.spool.close();

    const second = await openSpool(new DiskSpoolStorage(dir));
    expect(second.spool.epoch).toBe(first.spool.epoch);
    expect(second.spool.epoch).toMatch(/^[1-9]\d*$/);
    expect(await readAll(second.spool)).toEqual([2n, 3n]);
    expect(await appendMany(second.spool, 1)).toEqual([4n]);
    await second.spool.close();
  });

  it('never hands out a sequence again once every segment is acknowledged and deleted', async () => {
    const first = await openSpool(new DiskSpoolStorage(dir), MIN_SPOOL_MAX_BYTES);
    // 10 KiB reports in 32 KiB segments: several segments, all deleted once acknowledged and rolled over.
    await appendMany(first.spool, 20, 10 * 1024);
    await first.spool.ack(20n);
    await appendMany(first.spool, 4, 10 * 1024);
    await first.spool.ack(24n);
    const filesBefore = segmentFiles();
    expect(filesBefore.length).toBeLessThanOrEqual(1);
    // The released sequence is on disk before any segment goes.
    expect(BigInt(stateFile().released as string)).toBeGreaterThanOrEqual(20n);
    await first.spool.close();

    const second = await openSpool(new DiskSpoolStorage(dir), MIN_SPOOL_MAX_BYTES);
    expect(await appendMany(second.spool, 1)).toEqual([25n]);
    await second.spool.close();
  });

  it('cuts a record torn by a crash mid-write instead of replaying it, and numbers on from the last whole one', async () => {
    const storage = new DiskSpoolStorage(dir);
    const { spool } = await openSpool(storage);
    await appendMany(spool, 5);
    // The process dies (no close: nothing more is written) in the middle of writing record 6.
    await storage.close();
    const segment = join(dir, segmentFiles()[0] as string);
    const whole = statSync(segment).size;
    const torn = Buffer.alloc(RECORD_HEADER_BYTES + 10);
    torn.writeUInt32BE(64, 0);
    torn.writeBigUInt64BE(6n, 8);
    appendFileSync(segment, torn);

    const reopened = await openSpool(new DiskSpoolStorage(dir));
    expect(statSync(segment).size).toBe(whole);
    expect(
      reopened
        .lines()
        .some((line) => line.msg === 'spool repaired' && String(line.repair).includes('cut 26 bytes')),
    ).toBe(true);
    expect(await readAll(reopened.spool)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(await appendMany(reopened.spool, 1)).toEqual([6n]);
    expect(await readAll(reopened.spool)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    await reopened.spool.close();
  });

  it('cuts at a record whose checksum fails (a flipped bit), keeping the whole records before it', async () => {
    const storage = new DiskSpoolStorage(dir);
    const { spool } = await openSpool(storage);
    await appendMany(spool, 4);
    await storage.close();
    const segment = join(dir, segmentFiles()[0] as string);
    flipBits(segment, 2 * (RECORD_HEADER_BYTES + 64) + RECORD_HEADER_BYTES + 20, 0x01);

    const reopened = await openSpool(new DiskSpoolStorage(dir));
    expect(await readAll(reopened.spool)).toEqual([1n, 2n]);
    expect(reopened.lines().some((line) => String(line.repair).includes('checksum mismatch'))).toBe(true);
    await reopened.spool.close();
  });

  it('keeps the reports of a spool whose state file is gone, under a new epoch', async () => {
    const first = await openSpool(new DiskSpoolStorage(dir));
    await appendMany(first.spool, 3);
    await first.spool.close();
    unlinkSync(join(dir, 'spool-state.json'));

    const second = await openSpool(new DiskSpoolStorage(dir));
    expect(second.spool.epoch).not.toBe(first.spool.epoch);
    expect(await readAll(second.spool)).toEqual([1n, 2n, 3n]);
    expect(second.spool.pendingReports).toBe(3);
    expect(
      second
        .lines()
        .some((line) => line.msg === 'spool state missing: the stored reports continue under a new epoch'),
    ).toBe(true);
    await second.spool.close();
  });

  it('loses only the segment that fails its checksum when read back, counted as dropped', async () => {
    const { spool, seen, lines } = await openSpool(new DiskSpoolStorage(dir), MIN_SPOOL_MAX_BYTES);
    await appendMany(spool, 12, 10 * 1024);
    const files = segmentFiles();
    expect(files.length).toBeGreaterThanOrEqual(3);
    // Rot in the second segment after the spool was opened (recovery checked it whole).
    const victim = join(dir, files[1] as string);
    const victimFirst = BigInt((files[1] as string).slice(0, 20));
    flipBits(victim, RECORD_HEADER_BYTES + 100, 0xff);

    const read = await readAll(spool);
    expect(read).not.toContain(victimFirst);
    expect(read.at(-1)).toBe(12n);
    expect(seen.dropped).toBe(12 - read.length);
    expect(lines().some((line) => line.msg === 'spool segment corrupt: its unsent reports are lost')).toBe(
      true,
    );
    await spool.close();
  });
});

type Operation =
  | { readonly kind: 'append'; readonly size: number }
  | { readonly kind: 'ack'; readonly share: number }
  | { readonly kind: 'ackBeyond'; readonly by: number }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'crash'; readonly tornBytes: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('append' as const), size: fc.integer({ min: 0, max: 60_000 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('ack' as const),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('ackBeyond' as const), by: fc.integer({ min: 1, max: 5 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('crash' as const), tornBytes: fc.integer({ min: 0, max: 40 }) }),
  },
);

describe('Spool over random histories of appends, acks, restarts and crashes', () => {
  it('never reuses a sequence, reads back in order, and loses nothing but the oldest over the cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        const root = mkdtempSync(join(dir, 'run-'));
        let storage = new DiskSpoolStorage(root);
        let opened = await openSpool(storage, MIN_SPOOL_MAX_BYTES);
        const epoch = opened.spool.epoch;
        const handedOut: bigint[] = [];
        let acked = 0n;
        let droppedThrough = 0n;
        const track = () => {
          if (opened.seen.droppedThrough > droppedThrough) droppedThrough = opened.seen.droppedThrough;
        };
        try {
          for (const op of operations) {
            if (op.kind === 'append') {
              handedOut.push(await opened.spool.append((sequence) => payloadFor(sequence, op.size)));
              track();
            } else if (op.kind === 'ack') {
              const target = opened.spool.releasedSequence;
              const last = opened.spool.lastSequence;
              const sequence = target + BigInt(Math.floor(Number(last - target) * op.share));
              await opened.spool.ack(sequence);
              if (sequence > acked) acked = sequence;
            } else if (op.kind === 'ackBeyond') {
              const sequence = opened.spool.lastSequence + BigInt(op.by);
              await opened.spool.ack(sequence);
              acked = sequence;
              // The collector "has" these: they count as handed out for the no-reuse check.
              handedOut.push(sequence);
            } else {
              if (op.kind === 'reopen') await opened.spool.close();
              else {
                await storage.close();
                const files = readdirSync(root)
                  .filter((name) => name.endsWith('.seg'))
                  .sort();
                const last = files.at(-1);
                if (last && op.tornBytes > 0)
                  appendFileSync(join(root, last), Buffer.alloc(op.tornBytes, 0xab));
              }
              storage = new DiskSpoolStorage(root);
              opened = await openSpool(storage, MIN_SPOOL_MAX_BYTES);
              expect(opened.spool.epoch).toBe(epoch);
            }

            // Never reused: every sequence handed out is above all before it, across restarts and crashes.
            for (let i = 1; i < handedOut.length; i += 1) {
              expect(handedOut[i] as bigint).toBeGreaterThan(handedOut[i - 1] as bigint);
            }
            // The next one will be above everything handed out so far.
            expect(opened.spool.lastSequence).toBeGreaterThanOrEqual(handedOut.at(-1) ?? 0n);

            const read = await readAll(opened.spool);
            for (let i = 1; i < read.length; i += 1)
              expect(read[i] as bigint).toBeGreaterThan(read[i - 1] as bigint);
            const appended = new Set(handedOut);
            for (const sequence of read) expect(appended.has(sequence)).toBe(true);
            // Lossless: everything handed out above the acknowledged and the dropped is still there.
            const floor = acked > droppedThrough ? acked : droppedThrough;
            const mustHave = handedOut.filter(
              (sequence) => sequence > floor && sequence <= opened.spool.lastSequence,
            );
            const have = new Set(read);
            for (const sequence of mustHave) expect(have.has(sequence), `report ${sequence}`).toBe(true);
            expect(read).toHaveLength(opened.spool.pendingReports);
            if (segmentFilesIn(root).length > 1)
              expect(opened.spool.bytes).toBeLessThanOrEqual(MIN_SPOOL_MAX_BYTES);
          }
        } finally {
          await opened.spool.close();
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});

function segmentFilesIn(root: string): string[] {
  return readdirSync(root).filter((name) => name.endsWith('.seg'));
}
