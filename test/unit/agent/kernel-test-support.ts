import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventHold } from '../../../agent/kernel/event-hold.js';
import { matchKernelMessage } from '../../../agent/kernel/kernel-patterns.js';
import { type KmsgRecord, parseKmsgRecord, splitKmsgText } from '../../../agent/kernel/kmsg-record.js';
import { ok } from '../../../agent/reading.js';
import type { KernelEvent, KernelEventKind, Samples } from '../../../agent/sample-types.js';

/** Shared by the kernel-*.test.ts files: fixture paths, records, held events and host trees. */

export const KMSG_FIXTURES = fileURLToPath(new URL('../../fixtures/kmsg/', import.meta.url));

/** The records of a fixture file, e.g. "captured/oom-memcg-v1.kmsg". */
export function fixtureRecords(file: string): KmsgRecord[] {
  return splitKmsgText(readFileSync(join(KMSG_FIXTURES, file), 'utf8')).map(parseKmsgRecord);
}

/** The record with one sequence number from a fixture file (fails loudly if the fixture changed). */
export function fixtureRecord(file: string, seq: number): KmsgRecord {
  const record = fixtureRecords(file).find((candidate) => candidate.seq === seq);
  if (!record) throw new Error(`${file} has no record ${seq}`);
  return record;
}

/**
 * Held events from fixture files, as the kernel signal would hold them if every record had been read in
 * one cycle at `nowMs` (record times are laid out in file order, a millisecond apart).
 */
export function eventsFrom(files: readonly string[], nowMs = Date.now()): KernelEvent[] {
  const hold = new EventHold(300_000);
  hold.beginCycle();
  const records = files.flatMap(fixtureRecords);
  records.forEach((record, index) => {
    const match = matchKernelMessage(record.message);
    if (match)
      hold.add(match, { seq: record.seq, timeMs: nowMs - records.length + index, message: record.message });
  });
  return hold.snapshot(nowMs);
}

/** Running totals of a kernel log that has matched nothing yet: every kind at zero. */
export const NONE_MATCHED: Readonly<Record<KernelEventKind, number>> = {
  'oom-kill': 0,
  'hung-task': 0,
  'soft-lockup': 0,
  'readonly-remount': 0,
  'conntrack-full': 0,
};

/** A kernel-log reading holding these events (checks read only the events; the totals stay at zero). */
export function kernelLogWith(events: readonly KernelEvent[]): Samples['kernel'] {
  return ok({
    source: 'file' as const,
    events,
    recordsRead: 0,
    recordsMissed: 0,
    matchedTotal: NONE_MATCHED,
    eventsDropped: 0,
  });
}

/** A writable copy of a fixture host tree (hosts/<name>), removed by the returned function. */
export function copyHostTree(name: string): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), `nodedoc-kmsg-${name}-`));
  cpSync(join(KMSG_FIXTURES, 'hosts', name), root, { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
