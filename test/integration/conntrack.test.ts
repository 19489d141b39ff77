import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConntrackSample } from '../../agent/sample-types.js';
import { agentOnce, type RunningAgent, startAgent } from '../harness/agent-process.js';
import { lowerConntrackLimit, startFiller, trackedNamespace } from '../harness/conntrack-table.js';
import type { Netns } from '../harness/netns.js';
import { readSysctl, type SysctlOverride } from '../harness/sysctl.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * Conntrack exhaustion for real (test/harness/conntrack-table.ts): a network namespace whose table is
 * filled with held-open TCP connections on its loopback, under a lowered global nf_conntrack_max, with the
 * agent run inside it.
 */

const MAX_KEY = 'net/netfilter/nf_conntrack_max';
const COUNT_FILE = '/proc/sys/net/netfilter/nf_conntrack_count';
const MAX_FILE = `/proc/sys/${MAX_KEY}`;
/** Small enough to fill in a moment with one process's sockets, far above any test's own noise. */
const TABLE_LIMIT = 256;
const HEALTHY_CONNECTIONS = 8;
/** How often the filler tries to open one more flow in the full table: 20 drops a second. */
const DROP_EVERY_MS = 50;
/** The agent's /metrics listens on the namespace's loopback, so it is scraped from inside the namespace. */
const SCRAPE = 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))';
const SCRAPE_TIMEOUT_MS = 20_000;

/** The kernel's own figures, read inside the namespace (procfs answers for the reader's namespace). */
async function kernelFigures(ns: Netns): Promise<{ count: number; max: number }> {
  const [count, max] = (await ns.exec('cat', [COUNT_FILE, MAX_FILE])).trim().split('\n').map(Number);
  return { count: count ?? Number.NaN, max: max ?? Number.NaN };
}

/** Value of an unlabelled series in a Prometheus exposition. */
function metricValue(exposition: string, name: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

function okConntrack(reading: { status: string }): ConntrackSample {
  expect(reading.status, JSON.stringify(reading)).toBe('ok');
  return reading as unknown as ConntrackSample;
}

describe.skipIf(requires({ root: true, commands: ['ip', 'nft'] }))(
  'conntrack exhaustion in a network namespace',
  () => {
    let limit: SysctlOverride | undefined;
    let tableLimit = TABLE_LIMIT;

    beforeAll(async () => {
      const lowered = await lowerConntrackLimit(TABLE_LIMIT);
      limit = lowered.override;
      tableLimit = lowered.limit;
    });

    afterAll(async () => {
      if (!limit) return;
      await limit.restore();
      expect(await readSysctl(MAX_KEY)).toBe(limit.original);
    });

    it('a table with a few entries: no conntrack finding, count and max as the kernel reports them', async () => {
      const ns = await trackedNamespace();
      try {
        await startFiller(ns, { connections: HEALTHY_CONNECTIONS }).until('established');
        const report = await agentOnce([], { netns: ns.name });
        const kernel = await kernelFigures(ns);

        const conntrack = okConntrack(report.samples.conntrack);
        expect(kernel).toEqual({ count: HEALTHY_CONNECTIONS, max: tableLimit });
        expect(conntrack.entries).toBe(kernel.count);
        expect(conntrack.max).toBe(kernel.max);
        expect(conntrack.utilizationRatio).toBeCloseTo(HEALTHY_CONNECTIONS / tableLimit, 9);
        expect(conntrack.deltas?.drop).toBe(0);
        expect(report.findings.filter((finding) => finding.check.startsWith('conntrack-'))).toEqual([]);
      } finally {
        await ns.destroy();
      }
    });

    it('a full table dropping new flows: conntrack-exhaustion with the kernel figures', async () => {
      const ns = await trackedNamespace();
      try {
        const filler = startFiller(ns, { connections: tableLimit, dropEveryMs: DROP_EVERY_MS });
        await filler.until('established');
        await filler.until('dropping');
        const report = await agentOnce([], { netns: ns.name });
        const kernel = await kernelFigures(ns);

        const conntrack = okConntrack(report.samples.conntrack);
        expect(kernel).toEqual({ count: tableLimit, max: tableLimit });
        expect(conntrack.entries).toBe(kernel.count);
        expect(conntrack.max).toBe(kernel.max);
        expect(conntrack.utilizationRatio).toBeGreaterThanOrEqual(0.9);
        expect(conntrack.deltas?.drop).toBeGreaterThan(0);

        const exhaustion = report.findings.filter((finding) => finding.cause === 'conntrack-exhaustion');
        const utilization = exhaustion.find((finding) => finding.check === 'conntrack-utilization');
        expect(utilization).toMatchObject({ severity: 'critical', threshold: 0.9 });
        expect(utilization?.value).toBeGreaterThanOrEqual(0.9);
        expect(utilization?.summary).toContain(`${kernel.count} of ${kernel.max} entries`);
        const drops = exhaustion.find((finding) => finding.check === 'conntrack-drops');
        expect(drops).toMatchObject({ severity: 'critical', value: 1, threshold: 0.98 });
        expect(drops?.summary).toContain(`${conntrack.deltas?.drop} packets dropped`);
        // The table is this namespace's: the sample names it, and any "table full" kernel-log line
        // taken as evidence is this namespace's own (the log is shared with every other namespace).
        const inode = Number(/\d+/.exec(await ns.exec('readlink', ['/proc/self/ns/net']))?.[0]);
        expect(conntrack.netnsInode).toBe(inode);
        const lines = (drops?.details?.kernelLogLines ?? []) as string[];
        for (const line of lines) expect(line).toContain(`table full in netns ${inode},`);
        expect(report.findings.filter((finding) => finding.cause === 'conntrack-race')).toEqual([]);
      } finally {
        await ns.destroy();
      }
    });

    it('a running agent exports the full table and its drops on /metrics', async () => {
      const ns = await trackedNamespace();
      let agent: RunningAgent | undefined;
      try {
        const filler = startFiller(ns, { connections: tableLimit, dropEveryMs: DROP_EVERY_MS });
        await filler.until('established');
        await filler.until('dropping');
        const running = await startAgent(['--interval', '500ms'], { netns: ns.name });
        agent = running;
        let last = '';
        const metrics = await waitFor(
          'nodedoc_conntrack_stat_drop_total to rise',
          async () => {
            last = await ns.exec(process.execPath, ['-e', SCRAPE, running.metricsUrl]);
            return (metricValue(last, 'nodedoc_conntrack_stat_drop_total') ?? 0) > 0 ? last : undefined;
          },
          { timeoutMs: SCRAPE_TIMEOUT_MS },
          () =>
            last
              .split('\n')
              .filter((line) => line.startsWith('nodedoc_conntrack'))
              .join('; '),
        );
        const kernel = await kernelFigures(ns);
        expect(metricValue(metrics, 'nodedoc_conntrack_entries')).toBe(kernel.count);
        expect(metricValue(metrics, 'nodedoc_conntrack_entries_limit')).toBe(kernel.max);
        expect(metrics).toContain('# TYPE nodedoc_conntrack_stat_drop_total counter');
        expect(metrics).toMatch(
          /^nodedoc_finding\{check="conntrack-drops",cause="conntrack-exhaustion",severity="critical",subject=""\} 1$/m,
        );
      } finally {
        await agent?.stop();
        await ns.destroy();
      }
    });
  },
);
