import { describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import { ok } from '../../../agent/reading.js';
import { Sampler } from '../../../agent/sampler.js';
import type { Signal } from '../../../agent/signals/signal.js';
import { contextFor } from '../../harness/samples.js';

/** Short probe timeouts make the cycle deadline (slowest timeout + 1 s slack) short enough to wait for. */
const context = contextFor('/', ['--probe-timeout', '10ms', '--dns-timeout', '10ms']);

function signal(name: string, sample: () => Promise<unknown>): Signal {
  return { name, sample } as unknown as Signal;
}

describe('Sampler', () => {
  it('keeps every signal apart: a reader error, a bug and a hang each become unavailable, the rest are read', async () => {
    let closed = 0;
    const sampler = new Sampler(context, [
      signal('cpu', async () => ok({ cores: 2 })),
      signal('memory', async () => {
        throw new SignalError('/proc/meminfo: no MemAvailable');
      }),
      signal('disk', async () => {
        throw new TypeError('cannot read properties of undefined');
      }),
      signal('io', () => new Promise(() => undefined)),
      {
        ...signal('processes', async () => ok({ threads: 1 })),
        close: () => {
          closed += 1;
        },
      },
    ]);
    const cycle = await sampler.sample();
    expect(cycle.samples).toEqual({
      cpu: { status: 'ok', cores: 2 },
      memory: { status: 'unavailable', reason: '/proc/meminfo: no MemAvailable' },
      disk: { status: 'unavailable', reason: 'internal error: cannot read properties of undefined' },
      io: { status: 'unavailable', reason: 'no result within 1010ms' },
      processes: { status: 'ok', threads: 1 },
    });
    // The hung signal held the cycle until the deadline, not longer.
    expect(cycle.durationSeconds).toBeGreaterThanOrEqual(1);
    await sampler.close();
    expect(closed).toBe(1);
  });

  it('keeps the signals in the order they were given', async () => {
    const sampler = new Sampler(context, [
      signal('dns', async () => ok({})),
      signal('cpu', async () => ok({})),
    ]);
    expect(Object.keys((await sampler.sample()).samples)).toEqual(['dns', 'cpu']);
  });
});
