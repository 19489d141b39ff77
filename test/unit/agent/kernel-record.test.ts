import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { KERNEL_FACILITY, parseKmsgRecord, splitKmsgText } from '../../../agent/kernel/kmsg-record.js';
import { fixtureRecord, fixtureRecords } from './kernel-test-support.js';

/** The /dev/kmsg record parser on records captured from this machine's kernel (test/fixtures/kmsg). */

const BOOT = 'captured/boot-properties-and-userspace.kmsg';

describe('parseKmsgRecord on captured records', () => {
  it('splits the header into facility, level, sequence number, timestamp and flags', () => {
    const summary = fixtureRecord('captured/oom-memcg-v1.kmsg', 426);
    expect(summary).toMatchObject({
      facility: KERNEL_FACILITY,
      level: 6,
      seq: 426,
      usec: 1186578028,
      flags: '-',
    });
    expect(summary.message).toBe(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/nodedoc-oom-capture,task_memcg=/nodedoc-oom-capture,task=stress-ng-vm,pid=9522,uid=0',
    );
    // "Killed process" is pr_err: level 3.
    expect(fixtureRecord('captured/oom-memcg-v1.kmsg', 427)).toMatchObject({ facility: 0, level: 3 });
    // Soft lockups are pr_emerg (level 0): prio 0 must not be mistaken for "missing".
    expect(fixtureRecord('quoted/soft-lockup.kmsg', 6001)).toMatchObject({ facility: 0, level: 0 });
  });

  it('keeps continuation lines as properties of the record they follow', () => {
    const records = fixtureRecords(BOOT);
    const virtio = records.find((record) => record.seq === 337);
    expect(virtio?.message).toBe(
      'virtio_blk virtio1: [vda] new size: 536870912 512-byte logical blocks (275 GB/256 GiB)',
    );
    expect(virtio?.properties).toEqual({ SUBSYSTEM: 'virtio', DEVICE: '+virtio:virtio1' });
    // The next record starts fresh, and the continuation lines did not become records of their own.
    expect(records.find((record) => record.seq === 338)?.properties).toEqual({});
    expect(records.map((record) => record.seq)).toEqual([333, 334, 335, 336, 337, 338, 339, 340, 341, 2410]);
  });

  it('reads a record written from userspace as facility user, with its escapes decoded', () => {
    const fake = fixtureRecord(BOOT, 2410);
    expect(fake.facility).toBe(1);
    expect(fake.level).toBe(3);
    expect(fake.message).toContain('Killed process 4242 (fake\tname\\) total-vm:1024kB');
  });

  it('keeps a message that begins with spaces (stack trace lines) intact', () => {
    const line = fixtureRecord('captured/hung-task.kmsg', 2206);
    expect(line.message).toBe(' <TASK>');
    const notTainted = fixtureRecord('captured/hung-task.kmsg', 2202);
    expect(notTainted.message).toBe('      Not tainted 6.18.44-fc-v669 #1');
  });
});

describe('parseKmsgRecord on other input', () => {
  it('accepts extra header fields the ABI reserves for the future (e.g. a caller id)', () => {
    expect(parseKmsgRecord('6,339,1339273,-,caller=T70;tokio-rt-worker (70): drop_caches: 3')).toMatchObject({
      seq: 339,
      usec: 1339273,
      flags: '-',
      message: 'tokio-rt-worker (70): drop_caches: 3',
    });
  });

  it('reads the read() form of a record, with its trailing newline and properties', () => {
    const record = parseKmsgRecord(
      '5,337,1282621,-;virtio1: new size\n SUBSYSTEM=virtio\n DEVICE=+virtio:virtio1\n',
    );
    expect(record.message).toBe('virtio1: new size');
    expect(record.properties).toEqual({ SUBSYSTEM: 'virtio', DEVICE: '+virtio:virtio1' });
  });

  it.each([
    ['', "no ';'"],
    ['just some text', "no ';'"],
    ['6,1;message', 'malformed header'],
    ['x,1,2,-;message', 'malformed header'],
    ['6,-1,2,-;message', 'malformed header'],
    ['6,1.5,2,-;message', 'malformed header'],
    ['1024,1,2,-;message', 'priority 1024 out of range'],
    ['6,99999999999999999999,2,-;message', 'sequence number 99999999999999999999 out of range'],
    ['6,1,2,-;message\nnot indented', 'is not " KEY=VALUE"'],
    ['6,1,2,-;message\n =value', 'is not " KEY=VALUE"'],
  ])('rejects %j with a SignalError (%s)', (text, reason) => {
    expect(() => parseKmsgRecord(text)).toThrow(SignalError);
    expect(() => parseKmsgRecord(text)).toThrow(reason);
  });

  it('splits a file into records, a leading continuation line staying a (bad) record of its own', () => {
    expect(splitKmsgText(' SUBSYSTEM=x\n6,1,2,-;a\n DEVICE=y\n\n6,2,3,-;b\n')).toEqual([
      ' SUBSYSTEM=x',
      '6,1,2,-;a\n DEVICE=y',
      '6,2,3,-;b',
    ]);
  });
});

describe('parseKmsgRecord properties', () => {
  /** Escapes a message the way the kernel's msg_add_ext_text() does. */
  function kernelEscape(bytes: readonly number[]): string {
    return bytes
      .map((byte) =>
        byte < 0x20 || byte >= 0x7f || byte === 0x5c
          ? `\\x${byte.toString(16).padStart(2, '0')}`
          : String.fromCharCode(byte),
      )
      .join('');
  }

  it('round-trips any header and any escaped message', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1023 }),
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
        (prio, seq, usec, bytes) => {
          const record = parseKmsgRecord(`${prio},${seq},${usec},-;${kernelEscape(bytes)}\n`);
          expect(record).toMatchObject({ facility: prio >> 3, level: prio & 7, seq, usec });
          expect(record.message).toBe(String.fromCharCode(...bytes));
        },
      ),
    );
  });

  it('throws nothing but SignalError on random input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
          fc
            .tuple(fc.nat(), fc.nat(), fc.nat(), fc.string({ maxLength: 200 }))
            .map(([a, b, c, rest]) => `${a},${b},${c},-;${rest}`),
        ),
        (text) => {
          for (const record of splitKmsgText(text)) {
            try {
              parseKmsgRecord(record);
            } catch (error) {
              expect(error).toBeInstanceOf(SignalError);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
