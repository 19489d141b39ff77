import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetns, type Netns } from './netns.js';
import { readSysctl, type SysctlOverride, setSysctl } from './sysctl.js';
import { waitFor } from './wait-for.js';

/**
 * Conntrack exhaustion for real: a network namespace whose conntrack table a filler process fills with
 * held-open TCP connections on its loopback (test/fixtures/conntrack/fill-table.mjs), under a lowered
 * global nf_conntrack_max. The limit is global but the count is per namespace, so the host's own table is
 * untouched as long as the host holds fewer entries than the lowered limit (lowerConntrackLimit sees to it).
 */

const FILLER = fileURLToPath(new URL('../fixtures/conntrack/fill-table.mjs', import.meta.url));
/** The only port whose flows are tracked in the namespace; its connections are the whole table. */
export const PORT = 7000;
const FILL_TIMEOUT_MS = 30_000;
const MAX_KEY = 'net/netfilter/nf_conntrack_max';

/**
 * Lowers the global nf_conntrack_max to `wanted`, or to twice what the host itself holds if that is more:
 * never under the host's own count, or its new flows would be dropped. Restore the returned override.
 */
export async function lowerConntrackLimit(
  wanted: number,
): Promise<{ override: SysctlOverride; limit: number }> {
  const hostCount = Number(await readSysctl('net/netfilter/nf_conntrack_count'));
  const limit = Math.max(wanted, hostCount * 2);
  return { override: await setSysctl(MAX_KEY, limit), limit };
}

/**
 * `ct state new` makes the namespace register conntrack's hooks (current kernels hook conntrack into a
 * namespace only once a rule there needs it). Everything except the test's own port is marked notrack at raw priority, so the
 * table holds exactly the filler's flows: the agent's own probes (kubelet healthz on 127.0.0.1) neither
 * add entries nor get dropped.
 */
const RULESET = `
table inet nodedoc_conntrack_test {
  chain raw_output {
    type filter hook output priority raw; policy accept;
    meta l4proto { tcp, udp } th dport ${PORT} accept
    meta l4proto { tcp, udp } th sport ${PORT} accept
    notrack
  }
  chain output {
    type filter hook output priority filter; policy accept;
    ct state new counter accept
  }
}
`;

export async function trackedNamespace(): Promise<Netns> {
  const ns = await createNetns('conntrack');
  const dir = await mkdtemp(join(tmpdir(), 'nodedoc-conntrack-'));
  try {
    const rules = join(dir, 'ruleset.nft');
    await writeFile(rules, RULESET);
    await ns.exec('nft', ['-f', rules]);
  } catch (error) {
    await ns.destroy();
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return ns;
}

export interface Filler {
  readonly child: ChildProcess;
  /** Resolves with the filler's first stdout line that has `key`, failing if it exits first. */
  until(key: 'established' | 'dropping'): Promise<Record<string, unknown>>;
}

export function startFiller(ns: Netns, options: { connections: number; dropEveryMs?: number }): Filler {
  const args = JSON.stringify({ port: PORT, ...options });
  const child = ns.spawn(process.execPath, [FILLER, args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return {
    child,
    until: (key) =>
      waitFor(
        `the table filler to report "${key}"`,
        () => {
          if (child.exitCode !== null) throw new Error(`filler exited ${child.exitCode}: ${stderr}`);
          return stdout
            .split('\n')
            .filter((line) => line.startsWith('{'))
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .find((message) => key in message);
        },
        { timeoutMs: FILL_TIMEOUT_MS },
        () => `stdout ${JSON.stringify(stdout)} stderr ${JSON.stringify(stderr)}`,
      ),
  };
}
