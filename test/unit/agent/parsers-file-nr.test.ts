import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { parseFileNr } from '../../../agent/parsers/file-nr.js';

const CAPTURE = new URL('../../fixtures/hosts/debian12-healthy/proc/sys/fs/file-nr', import.meta.url);

describe('parseFileNr', () => {
  it('reads the captured /proc/sys/fs/file-nr (tab separated)', () => {
    expect(parseFileNr('/proc/sys/fs/file-nr', readFileSync(CAPTURE, 'utf8'))).toEqual({
      allocated: 613,
      max: 2_466_170,
    });
  });

  it('keeps an "unlimited" file-max of 2^63-1 (systemd 240+ sets it) as a float', () => {
    const { max } = parseFileNr('/p', '1632\t0\t9223372036854775807\n');
    expect(max).toBe(2 ** 63);
  });

  it('rejects a truncated read, garbage, a zero file-max and overflow', () => {
    const shape = new SignalError('/p: expected "ALLOCATED UNUSED MAX"');
    expect(() => parseFileNr('/p', '613\t0\n')).toThrow(shape);
    expect(() => parseFileNr('/p', 'lots 0 many\n')).toThrow(shape);
    expect(() => parseFileNr('/p', '')).toThrow(shape);
    expect(() => parseFileNr('/p', '1 0 0\n')).toThrow(new SignalError('/p: file-max is 0'));
    expect(() => parseFileNr('/p', `1 0 ${'9'.repeat(400)}\n`)).toThrow(
      new SignalError('/p: a value out of range'),
    );
  });
});
