import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { parseLoadAvg } from '../../../agent/parsers/loadavg.js';

const CAPTURE = new URL('../../fixtures/hosts/debian12-healthy/proc/loadavg', import.meta.url);

describe('parseLoadAvg', () => {
  it('reads the captured /proc/loadavg ("0.20 0.26 0.14 1/108 9373")', () => {
    expect(parseLoadAvg('/proc/loadavg', readFileSync(CAPTURE, 'utf8'))).toEqual({
      load1: 0.2,
      load5: 0.26,
      load15: 0.14,
      running: 1,
      threads: 108,
    });
  });

  it('reads large loads and thread counts (a fork bomb)', () => {
    expect(parseLoadAvg('/p', '312.07 120.50 40.00 290/4194300 4194303\n')).toMatchObject({
      load1: 312.07,
      threads: 4_194_300,
    });
  });

  it('rejects garbage, truncation, missing fields and overflow with the expected shape in the reason', () => {
    const reason = new SignalError('/proc/loadavg: expected "L1 L5 L15 R/T LASTPID"');
    for (const text of [
      '',
      '0.20 0.26 nan 1/108 9373\n',
      '0.20 0.26 0.14 1/108',
      '0.20 0.26 0.14 108 9373',
      '-1 0 0 1/1 1',
    ]) {
      expect(() => parseLoadAvg('/proc/loadavg', text)).toThrow(reason);
    }
    expect(() => parseLoadAvg('/proc/loadavg', `${'9'.repeat(400)} 0 0 1/1 1\n`)).toThrow(
      new SignalError('/proc/loadavg: a value out of range'),
    );
  });
});
