import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket as TcpSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decode, encode } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalError } from '../../../agent/host/read-text.js';
import type { DnsSample } from '../../../agent/sample-types.js';
import { createDnsSignal } from '../../../agent/signals/dns.js';
import type { Signal } from '../../../agent/signals/signal.js';
import { contextFor } from '../../harness/samples.js';

/*
 * The whole signal (discovery, probes, window) against a small DNS server in the test on 127.0.0.1,
 * UDP and TCP on one port like a real one: names under cluster.local other than the API server's
 * service are NXDOMAIN, everything else NOERROR.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function answer(message: Buffer): Buffer {
  const query = decode(message);
  const name = query.questions?.[0]?.name ?? '';
  const nxdomain = name.endsWith('cluster.local') && !name.startsWith('kubernetes.default.svc.');
  return encode({ type: 'response', id: query.id, flags: nxdomain ? 3 : 0, questions: query.questions });
}

/** Serves on UDP and TCP of one loopback port; `delayMs` holds every answer back; `silent` never answers. */
async function loopbackDns({ delayMs = 0, silent = false } = {}): Promise<string> {
  const udp = createSocket('udp4');
  udp.on('message', async (message, remote) => {
    if (silent) return;
    await sleep(delayMs);
    udp.send(answer(message), remote.port, remote.address);
  });
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  const { port } = udp.address();
  const connections = new Set<TcpSocket>();
  const tcp = createServer((connection) => {
    connections.add(connection);
    connection.on('error', () => undefined);
    connection.on('data', async (chunk: Buffer) => {
      if (silent) return;
      await sleep(delayMs);
      const body = answer(chunk.subarray(2));
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(body.length);
      connection.end(Buffer.concat([prefix, body]));
    });
  });
  tcp.listen(port, '127.0.0.1');
  await once(tcp, 'listening');
  cleanups.push(async () => {
    for (const connection of connections) connection.destroy();
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise((resolve) => tcp.close(resolve));
  });
  return `127.0.0.1:${port}`;
}

function emptyRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'nodedoc-dns-signal-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function signal(argv: readonly string[], root = emptyRoot()): Signal<'dns'> {
  const created = createDnsSignal(contextFor(root, argv));
  cleanups.push(() => created.close?.());
  return created;
}

function okSample(reading: Awaited<ReturnType<Signal<'dns'>['sample']>>): DnsSample {
  if (reading.status !== 'ok') throw new Error(`dns is ${reading.status}: ${reading.reason}`);
  return reading;
}

describe('DNS signal', () => {
  it('probes the --dns-server over UDP and TCP and keeps a window across cycles', async () => {
    const server = await loopbackDns();
    const dns = signal(['--dns-server', server, '--dns-name', 'www.nodedoc.test']);
    const first = okSample(await dns.sample());
    expect(first).toMatchObject({
      source: 'flag',
      clusterDomain: 'cluster.local',
      timeoutSeconds: 2,
      windowSeconds: 60,
    });
    expect(first.servers).toHaveLength(1);
    const [only] = first.servers;
    expect(only?.server).toBe(server);
    expect(only?.role).toBe('cluster');
    expect(only?.probes.map((p) => [p.protocol, p.rcode, p.outcome])).toEqual([
      ['udp', 'NOERROR', 'ok'],
      ['udp', 'NXDOMAIN', 'ok'],
      ['udp', 'NOERROR', 'ok'],
      ['tcp', 'NOERROR', 'ok'],
    ]);
    expect(only?.probes.every((p) => (p.latencySeconds ?? 0) > 0)).toBe(true);
    expect(only?.window).toMatchObject({ probes: 4, failures: 0, answered: 4 });

    const second = okSample(await dns.sample());
    expect(second.servers[0]?.window).toMatchObject({ probes: 8, failures: 0, failureRatio: 0 });
    // A fresh random name every cycle, so no negative cache answers it.
    expect(second.servers[0]?.probes[1]?.name).not.toBe(only?.probes[1]?.name);
  });

  it('probes many names at once without Node warnings (no listener leak on the shutdown signal)', async () => {
    const server = await loopbackDns();
    const names = Array.from({ length: 30 }, (_, i) => ['--dns-name', `n${i}.nodedoc.test`]).flat();
    const dns = signal(['--dns-server', server, ...names]);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const sample = okSample(await dns.sample());
      expect(sample.servers[0]?.probes).toHaveLength(33);
      expect(sample.servers[0]?.probes.every((p) => p.outcome === 'ok')).toBe(true);
      // Warnings are emitted on the next tick.
      await sleep(10);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });

  it('judges answers slower than dns-latency-seconds as late', async () => {
    const server = await loopbackDns({ delayMs: 60 });
    const dns = signal(['--dns-server', server, '--threshold', 'dns-latency-seconds=20ms']);
    const sample = okSample(await dns.sample());
    expect(sample.servers[0]?.probes.map((p) => p.outcome)).toEqual(['late', 'late', 'late']);
    // The server's 60 ms timer may look up to a millisecond short to hrtime.
    expect(sample.servers[0]?.window.p50Seconds).toBeGreaterThanOrEqual(0.055);
  });

  it('is absent, with the reason, when there is nothing to probe', async () => {
    expect(await signal([]).sample()).toEqual({
      status: 'absent',
      reason:
        'no DNS server to probe: no --dns-server given and no kubelet config at /var/lib/kubelet/config.yaml (not a Kubernetes node?)',
    });
  });

  it('throws a SignalError (the sampler makes it "unavailable") for a malformed kubelet config', async () => {
    const root = emptyRoot();
    mkdirSync(join(root, 'var/lib/kubelet'), { recursive: true });
    writeFileSync(join(root, 'var/lib/kubelet/config.yaml'), 'clusterDNS: 10.96.0.10\n');
    await expect(signal([], root).sample()).rejects.toThrow(SignalError);
    await expect(signal([], root).sample()).rejects.toThrow(/clusterDNS must be a list of IPs/);
  });

  it('close() ends a cycle in flight at once: its probes come back cancelled, not timed out', async () => {
    const server = await loopbackDns({ silent: true });
    const dns = signal(['--dns-server', server, '--dns-timeout', '1m']);
    const pending = dns.sample();
    await sleep(50);
    await dns.close?.();
    const sample = okSample(await pending);
    expect(sample.servers[0]?.probes.map((p) => [p.outcome, p.error])).toEqual(
      Array(3).fill(['error', 'probe cancelled: the agent is shutting down']),
    );
  });
});
