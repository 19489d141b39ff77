import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import type { ConntrackSample, Samples } from '../../../agent/sample-types.js';
import { Sampler } from '../../../agent/sampler.js';
import { createConntrackSignal } from '../../../agent/signals/conntrack.js';
import type { Signal } from '../../../agent/signals/signal.js';
import { contextFor } from '../../harness/samples.js';

/**
 * The conntrack signal on fixture trees (--host-root), built per test from the captures and constructed
 * files in test/fixtures/conntrack/ and the captured host trees in test/fixtures/hosts/.
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/conntrack/', import.meta.url));
const HOSTS = fileURLToPath(new URL('../../fixtures/hosts/', import.meta.url));
const COUNT = 'proc/sys/net/netfilter/nf_conntrack_count';
const MAX = 'proc/sys/net/netfilter/nf_conntrack_max';
const LEGACY_MAX = 'proc/sys/net/nf_conntrack_max';
const STAT = 'proc/net/stat/nf_conntrack';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function tree(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'nodedoc-conntrack-tree-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) put(root, path, content);
  return root;
}

function put(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function putFixture(root: string, name: string): void {
  mkdirSync(dirname(join(root, STAT)), { recursive: true });
  copyFileSync(join(FIXTURES, name), join(root, STAT));
}

function signalFor(root: string): Signal<'conntrack'> {
  return createConntrackSignal(contextFor(root, ['--once']));
}

function asOk(reading: Samples['conntrack']): ConntrackSample {
  expect(reading.status, JSON.stringify(reading)).toBe('ok');
  return reading as unknown as ConntrackSample;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('conntrack signal', () => {
  it('is absent, not an error, when nf_conntrack_count does not exist (module not loaded)', async () => {
    const root = tree({ 'proc/meminfo': 'MemTotal: 1 kB\n' });
    const reading = await signalFor(root).sample();
    expect(reading).toEqual({
      status: 'absent',
      reason: `conntrack not in use: ${join(root, COUNT)} does not exist`,
    });
  });

  it('reads count and max from the sysctls and the stat file by header, no deltas on the first sample', async () => {
    const root = tree({ [COUNT]: '200\n', [MAX]: '256\n' });
    putFixture(root, 'linux-6.18-netns-full.txt');
    const sample = asOk(await signalFor(root).sample());
    expect(sample).toMatchObject({
      entries: 200, // from nf_conntrack_count, not the stat file's 64
      max: 256,
      utilizationRatio: 200 / 256,
      cpus: 2,
      intervalSeconds: null,
      deltas: null,
      ratesPerSecond: null,
      netnsInode: null, // a fixture tree has no proc/self/ns/net
    });
  });

  it('turns a counter wrap between samples into a small positive delta and a rate over hrtime', async () => {
    const root = tree({ [COUNT]: '129\n', [MAX]: '65536\n' });
    putFixture(root, 'wrap-before.txt');
    const signal = signalFor(root);
    asOk(await signal.sample());
    putFixture(root, 'wrap-after.txt');
    const second = asOk(await signal.sample());
    expect(second.deltas).toEqual({
      found: 0,
      invalid: 0,
      insert: 0,
      insertFailed: 6,
      drop: 34,
      earlyDrop: 0,
      icmpError: 0,
      searchRestart: 0,
      clashResolve: 3,
      chainTooLong: 0,
    });
    const seconds = second.intervalSeconds ?? 0;
    expect(seconds).toBeGreaterThan(0);
    expect(second.ratesPerSecond?.drop).toBeCloseTo(34 / seconds, 6);
    expect(second.ratesPerSecond?.insertFailed).toBeCloseTo(6 / seconds, 6);
  });

  it('keeps null for columns an old kernel does not print (16 columns: no search_restart)', async () => {
    const root = tree({ [COUNT]: '499\n', [MAX]: '65536\n' });
    putFixture(root, 'linux-2.6.31-16col.txt');
    const signal = signalFor(root);
    await signal.sample();
    const second = asOk(await signal.sample());
    expect(second.deltas).toMatchObject({
      drop: 0,
      searchRestart: null,
      clashResolve: null,
      chainTooLong: null,
    });
  });

  it('has no deltas across a change of layout (a different table), then resumes', async () => {
    const root = tree({ [COUNT]: '1\n', [MAX]: '100\n' });
    putFixture(root, 'linux-5.10-clashres.txt');
    const signal = signalFor(root);
    await signal.sample();
    putFixture(root, 'wrap-before.txt');
    expect(asOk(await signal.sample()).deltas).toBeNull();
    putFixture(root, 'wrap-after.txt');
    expect(asOk(await signal.sample()).deltas?.drop).toBe(34);
  });

  it('falls back to net/nf_conntrack_max and reports no stat counters without the stat file', async () => {
    const root = tree({ [COUNT]: '3\n', [LEGACY_MAX]: '1000\n' });
    const signal = signalFor(root);
    await signal.sample();
    expect(asOk(await signal.sample())).toMatchObject({
      entries: 3,
      max: 1000,
      cpus: null,
      deltas: null,
      ratesPerSecond: null,
    });
  });

  it('reports no utilisation when nf_conntrack_max is 0 (no limit)', async () => {
    const root = tree({ [COUNT]: '5000\n', [MAX]: '0\n' });
    expect(asOk(await signalFor(root).sample())).toMatchObject({
      entries: 5000,
      max: 0,
      utilizationRatio: null,
    });
  });

  it("reads the namespace inode from the reader's own proc/self/ns/net", async () => {
    const root = tree({ [COUNT]: '0\n', [MAX]: '10\n' });
    mkdirSync(join(root, 'proc/self/ns'), { recursive: true });
    symlinkSync('net:[4026532177]', join(root, 'proc/self/ns/net'));
    expect(asOk(await signalFor(root).sample()).netnsInode).toBe(4026532177);
  });

  it('reads the live host through --host-root /: max and namespace as the kernel reports them', async () => {
    const reading = await signalFor('/').sample();
    if (!existsSync(`/${COUNT}`)) {
      expect(reading.status).toBe('absent');
      return;
    }
    // The count moves with the host's traffic; the limit and the namespace do not.
    const sample = asOk(reading);
    expect(sample.max).toBe(Number(readFileSync(`/${MAX}`, 'utf8')));
    expect(sample.netnsInode).toBe(Number(/\d+/.exec(readlinkSync('/proc/self/ns/net'))?.[0]));
  });

  const unavailable: ReadonlyArray<readonly [string, Readonly<Record<string, string>>, RegExp]> = [
    [
      'a count that is not a number',
      { [COUNT]: 'lots', [MAX]: '10' },
      /nf_conntrack_count: expected one integer/,
    ],
    ['a missing max next to a count', { [COUNT]: '1' }, /nf_conntrack_max: no such file/],
    [
      'a malformed stat file',
      { [COUNT]: '1', [MAX]: '10', [STAT]: 'entries  clashres found new invalid igno' },
      /header lacks "insert", "insert_failed", "drop", "early_drop", "icmp_error"$/,
    ],
  ];
  for (const [what, files, message] of unavailable) {
    it(`throws a SignalError (unavailable) for ${what}`, async () => {
      const error = await rejection(signalFor(tree(files)).sample());
      expect(error).toBeInstanceOf(SignalError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('is "unavailable: <reason>" through the sampler on the captured malformed host', async () => {
    const root = join(HOSTS, 'malformed');
    const context = contextFor(root, ['--once']);
    const sampler = new Sampler(context, [createConntrackSignal(context)]);
    const { samples } = await sampler.sample();
    expect(samples.conntrack).toEqual({
      status: 'unavailable',
      reason: `${join(root, COUNT)}: expected one integer, got "lots"`,
    });
  });

  it('reads the captured healthy Debian 12 host', async () => {
    const sample = asOk(await signalFor(join(HOSTS, 'debian12-healthy')).sample());
    expect(sample).toMatchObject({ entries: 0, max: 262144, utilizationRatio: 0, cpus: 2 });
  });

  it('property: random bytes in any of its files give a reading or a SignalError, nothing else', async () => {
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.string({ maxLength: 600 }),
      fc.constantFrom('0\n', '262144\n', '-1\n', '', '99999999999999999999\n'),
    );
    await fc.assert(
      fc.asyncProperty(content, content, content, content, async (count, max, stat, statLater) => {
        const root = tree({ [COUNT]: count, [MAX]: max, [STAT]: stat });
        const signal = signalFor(root);
        for (const text of [stat, statLater]) {
          put(root, STAT, text);
          try {
            const reading = await signal.sample();
            if (reading.status !== 'ok') continue;
            const values = [reading.entries, reading.max, reading.utilizationRatio, reading.intervalSeconds];
            for (const value of [...values, ...Object.values(reading.deltas ?? {})]) {
              if (value !== null) expect(Number.isFinite(value) && value >= 0).toBe(true);
            }
          } catch (error) {
            if (!(error instanceof SignalError)) throw error;
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
