import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../agent/finding.js';
import { type RunningAgent, startAgent } from '../harness/agent-process.js';
import { MemoryCgroup, memoryCgroupV1Missing } from '../harness/memory-cgroup.js';
import { samplesOf, scrape } from '../harness/metrics-text.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * A real OOM kill in a cgroup v1 memory cgroup, seen by the running agent through the real /dev/kmsg:
 * the oom-kill finding must name the pid and name of the process the kernel killed and the cgroup.
 *
 * The victim is known before the kill: the cgroup's OOM killer is first disabled (memory.oom_control),
 * so the allocating stress-ng worker stops at the limit instead of dying; the test reads the cgroup's
 * members from /proc, takes the one with the highest oom_score (what the kernel will pick), checks via
 * /proc that it descends from the process the test started, and only then re-enables the killer.
 *
 * cgroup v2 cannot be exercised live on this machine: the sandbox binds the memory controller to the v1
 * hierarchy (the unified one at /sys/fs/cgroup/unified has none). The v2 layout — systemd slices, the
 * pod UID with underscores — is covered by the fixture host tree test/fixtures/kmsg/hosts/cgroup-v2-oom
 * (test/unit/agent/kernel-signal.test.ts), built from a real cgroup v2 node's kernel log.
 */

const LIMIT_BYTES = 64 * 2 ** 20;
/** Several times the limit, so the worker is certain to hit it. */
const ALLOCATE = '256M';
/** A bound on stress-ng itself, should everything else fail to stop it. */
const STRESS_TIMEOUT = '90s';
const INTERVAL = '500ms';

interface Member {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  readonly oomScore: number;
}

/** /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses. */
function member(pid: number): Member | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    const oomScore = Number(readFileSync(`/proc/${pid}/oom_score`, 'utf8'));
    return { pid, comm: stat.slice(open + 1, close), ppid, oomScore };
  } catch {
    return undefined; // exited meanwhile
  }
}

function oomFinding(agent: RunningAgent, subject: string): Finding | undefined {
  for (const line of agent.logLines()) {
    const finding = line.finding as Finding | undefined;
    if (line.msg === 'finding raised' && finding?.check === 'oom-kill' && finding.subject === subject) {
      return finding;
    }
  }
  return undefined;
}

async function gauge(agent: RunningAgent, name: string, labels: Record<string, string>): Promise<number> {
  const { samples } = await scrape(agent.metricsUrl);
  return samplesOf(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

describe.skipIf(requires({ root: true, commands: ['stress-ng'], check: memoryCgroupV1Missing }))(
  'oom-kill from a real cgroup v1 OOM kill',
  () => {
    it('names the killed pid, its process name and the cgroup', async () => {
      const cgroup = new MemoryCgroup();
      let agent: RunningAgent | undefined;
      let stress: ChildProcess | undefined;
      try {
        cgroup.limit(LIMIT_BYTES);
        cgroup.write('memory.oom_control', '1');

        agent = await startAgent(['--interval', INTERVAL]);
        const running = agent;
        await waitFor('a first cycle with the kernel log readable', async () =>
          (await gauge(running, 'nodedoc_signal_state', { signal: 'kernel', state: 'ok' })) === 1
            ? true
            : undefined,
        );

        stress = cgroup.spawnInside(
          `stress-ng --vm 1 --vm-bytes ${ALLOCATE} --vm-keep --oomable --timeout ${STRESS_TIMEOUT}`,
        );
        const startedPid = stress.pid as number;
        await waitFor(
          'the cgroup to reach its limit with the OOM killer held back',
          () => (/^under_oom 1$/m.test(cgroup.read('memory.oom_control')) ? true : undefined),
          { timeoutMs: 30_000 },
          () => cgroup.read('memory.oom_control'),
        );

        const members = cgroup.pids().flatMap((pid) => member(pid) ?? []);
        const victim = members.reduce((best, candidate) =>
          candidate.oomScore > best.oomScore ? candidate : best,
        );
        const ancestry = [victim.pid];
        for (let pid = victim.ppid; pid > 1 && ancestry.length < 4; pid = member(pid)?.ppid ?? 0) {
          ancestry.push(pid);
          if (pid === startedPid) break;
        }
        expect(ancestry, `victim ${JSON.stringify(victim)} among ${JSON.stringify(members)}`).toContain(
          startedPid,
        );
        expect(victim.comm).toMatch(/^stress-ng/);

        cgroup.write('memory.oom_control', '0');
        const finding = await waitFor(
          `an oom-kill finding for ${cgroup.path}`,
          () => oomFinding(running, cgroup.path),
          { timeoutMs: 20_000 },
          () => JSON.stringify(running.logLines().filter((line) => line.msg === 'finding raised')),
        );

        expect(finding.severity).toBe('warning');
        expect(finding.summary).toContain(
          `OOM killer killed pid ${victim.pid} (${victim.comm}) in cgroup ${cgroup.path} (memcg limit)`,
        );
        expect(finding.details?.victims).toContainEqual(
          expect.objectContaining({
            pid: victim.pid,
            process: victim.comm,
            cgroup: cgroup.path,
            oomCgroup: cgroup.path,
            reason: 'memcg-limit',
            nodeCritical: false,
          }),
        );
        expect(
          await gauge(running, 'nodedoc_kernel_events_total', { kind: 'oom-kill' }),
        ).toBeGreaterThanOrEqual(1);

        // Still there a few cycles later: the kill is held, so a scrape that comes late still sees it.
        const cycles = await gauge(running, 'nodedoc_agent_cycles_total', {});
        await waitFor('three more cycles', async () =>
          (await gauge(running, 'nodedoc_agent_cycles_total', {})) >= cycles + 3 ? true : undefined,
        );
        expect(await gauge(running, 'nodedoc_finding', { check: 'oom-kill', subject: cgroup.path })).toBe(1);
      } finally {
        if (stress?.pid !== undefined) {
          try {
            process.kill(-stress.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        cgroup.remove();
        await agent?.stop();
      }
      expect(existsSync(cgroup.dir)).toBe(false);
    });
  },
);
