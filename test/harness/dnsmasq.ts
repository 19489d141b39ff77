import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Netns } from './netns.js';
import { waitFor } from './wait-for.js';

/** dnsmasq binds in milliseconds; this only bounds a broken start. */
const START_TIMEOUT_MS = 10_000;
/** SIGTERM is enough for dnsmasq; SIGKILL after this in case it hangs. */
const STOP_GRACE_MS = 5_000;

export interface DnsmasqOptions {
  /** Inside the namespace; default 127.0.0.1 (the namespace's own loopback). */
  readonly listenAddress?: string;
  readonly port: number;
  /** The cluster domain it is authoritative for (NXDOMAIN below it); default cluster.local. */
  readonly clusterDomain?: string;
  /** More dnsmasq options, e.g. --address=/nodedoc.test/192.0.2.1 for extra names that resolve. */
  readonly extraArgs?: readonly string[];
}

/** A real DNS server the test started, answering only from its own configuration. */
export interface Dnsmasq {
  /** "IP:PORT" as the agent labels it. */
  readonly server: string;
  readonly listenAddress: string;
  readonly port: number;
  /** Stops it and waits until it exited (its sockets are closed then). */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/** True once `ss` inside the namespace shows the address bound for the given transport. */
async function listening(
  netns: Netns,
  transport: '-u' | '-t',
  address: string,
  port: number,
): Promise<boolean> {
  const output = await netns.exec('ss', ['-Hln', transport, `sport = :${port}`]);
  return output.includes(`${address}:${port}`);
}

/**
 * dnsmasq on the namespace's loopback with no upstream, no hosts file and no config file: it answers
 * kubernetes.default.svc.<domain> with 10.96.0.1, NXDOMAIN for any other name under the domain, the
 * names of extraArgs, and REFUSED for everything else. Resolves once UDP and TCP are both bound.
 */
export async function startDnsmasq(netns: Netns, options: DnsmasqOptions): Promise<Dnsmasq> {
  const listenAddress = options.listenAddress ?? '127.0.0.1';
  const domain = options.clusterDomain ?? 'cluster.local';
  const stateDir = mkdtempSync(join(tmpdir(), 'nodedoc-dnsmasq-'));
  const child = netns.spawn(
    'dnsmasq',
    [
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      `--local=/${domain}/`,
      `--address=/kubernetes.default.svc.${domain}/10.96.0.1`,
      '--keep-in-foreground',
      '--bind-interfaces',
      `--listen-address=${listenAddress}`,
      `--port=${options.port}`,
      `--pid-file=${join(stateDir, 'dnsmasq.pid')}`,
      '--user=root',
      '--log-facility=-',
      ...(options.extraArgs ?? []),
    ],
    { stdio: 'pipe' },
  );
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    }
    running.delete(child);
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      `dnsmasq to listen on ${listenAddress}:${options.port} (UDP and TCP)`,
      async () => {
        if (child.exitCode !== null) throw new Error(`dnsmasq exited ${child.exitCode}: ${stderr}`);
        const udp = await listening(netns, '-u', listenAddress, options.port);
        const tcp = await listening(netns, '-t', listenAddress, options.port);
        return udp && tcp ? true : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 },
      () => stderr,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { server: `${listenAddress}:${options.port}`, listenAddress, port: options.port, stop };
}
