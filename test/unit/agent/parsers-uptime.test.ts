import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { parseUptime } from '../../../agent/parsers/uptime.js';

const CAPTURE = new URL('../../fixtures/hosts/debian12-healthy/proc/uptime', import.meta.url);

describe('parseUptime', () => {
  it('reads seconds since boot from the captured /proc/uptime ("1185.33 2252.26")', () => {
    expect(parseUptime('/proc/uptime', readFileSync(CAPTURE, 'utf8'))).toBe(1185.33);
  });

  it('accepts whole seconds and a trailing newline', () => {
    expect(parseUptime('/p', '5 1\n')).toBe(5);
  });

  it('rejects negative, truncated, garbage and overflowing values', () => {
    const shape = new SignalError('/proc/uptime: expected "UPTIME IDLE"');
    for (const text of ['-5.00 12.00\n', '1185.33', '', 'up 3 days']) {
      expect(() => parseUptime('/proc/uptime', text)).toThrow(shape);
    }
    expect(() => parseUptime('/proc/uptime', `${'9'.repeat(400)} 1\n`)).toThrow(
      new SignalError('/proc/uptime: uptime out of range'),
    );
  });
});
