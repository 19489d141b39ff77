import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../agent/finding.js';
import type { AgentReport } from '../../agent/report.js';
import { agentOnce, findingsFor } from '../harness/agent-process.js';
import { startStressNg } from '../harness/stress-ng.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * Real CPU starvation: stress-ng runs twice as many busy loops as there are CPUs, so runnable tasks queue
 * for a CPU most of the time, and the kernel's PSI cpu "some" climbs. The built agent must see it.
 */

/** Defaults of the check under test (agent/config/thresholds.ts). */
const PSI_WARNING_RATIO = 0.4;
const PSI_CRITICAL_RATIO = 0.8;
/** Hogs per CPU: with two runnable tasks per CPU one of them is always waiting. */
const HOGS_PER_CPU = 2;
/**
 * stress-ng stops by itself after this even if the runner is SIGKILLed before its cleanup; the test needs
 * well under it (PSI avg10 is an exponential average that takes ~10 s to climb).
 */
const STRESS_TIMEOUT = '150s';
/** Bounded waits for PSI avg10 to climb above, then decay below, the warning threshold. */
const RAMP_UP_TIMEOUT_MS = 60_000;
const DECAY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 1_000;
/** Both waits plus the agent runs themselves. */
const TEST_TIMEOUT_MS = RAMP_UP_TIMEOUT_MS + DECAY_TIMEOUT_MS + 30_000;

/** Online CPUs as the agent counts them: the cpuN lines of /proc/stat. */
function onlineCpus(): number {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line)).length;
}

function psiSome(report: AgentReport): number | undefined {
  const cpu = report.samples.cpu;
  return cpu.status === 'ok' ? cpu.pressure?.some.avg10Ratio : undefined;
}

const hasCpuPressure = () =>
  existsSync('/proc/pressure/cpu') ? undefined : 'PSI (/proc/pressure/cpu; kernel with CONFIG_PSI=y)';

describe.skipIf(requires({ root: true, commands: ['stress-ng'], check: hasCpuPressure }))(
  'cpu-starvation under stress-ng',
  () => {
    it(
      'raises cpu-starvation with PSI cpu some avg10 >= 40% while stress-ng runs, and clears after',
      async () => {
        const cpus = onlineCpus();
        const hogs = cpus * HOGS_PER_CPU;
        const stress = startStressNg(['--cpu', String(hogs), '--timeout', STRESS_TIMEOUT, '--quiet']);
        let last: AgentReport | undefined;
        try {
          const { report, finding } = await waitFor(
            'cpu-starvation in --once --json',
            async () => {
              last = await agentOnce([]);
              const [found] = findingsFor(last, 'cpu-starvation');
              return found ? { report: last, finding: found as Finding } : undefined;
            },
            { timeoutMs: RAMP_UP_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS },
            () =>
              `PSI cpu some avg10 ${psiSome(last as AgentReport)}, findings ${JSON.stringify(last?.findings)}`,
          );
          expect(stress.child.exitCode).toBeNull();
          const some = psiSome(report);
          expect(some).toBeGreaterThanOrEqual(PSI_WARNING_RATIO);
          expect(finding.check).toBe('cpu-psi');
          expect(finding.value).toBe(some);
          const critical = (some ?? 0) >= PSI_CRITICAL_RATIO;
          expect(finding.severity).toBe(critical ? 'critical' : 'warning');
          expect(finding.threshold).toBe(critical ? PSI_CRITICAL_RATIO : PSI_WARNING_RATIO);
          expect(finding.summary).toContain(`${cpus} cores`);
          const cpu = report.samples.cpu;
          expect(cpu.status === 'ok' && cpu.cores).toBe(cpus);
          // The hogs kept every CPU busy between the agent's two samples.
          expect(cpu.status === 'ok' && cpu.busyRatio).toBeGreaterThan(0.9);
        } finally {
          await stress.stop();
        }

        const calm = await waitFor(
          'cpu-starvation to clear after stress-ng stopped',
          async () => {
            last = await agentOnce([]);
            return findingsFor(last, 'cpu-starvation').length === 0 ? last : undefined;
          },
          { timeoutMs: DECAY_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS },
          () => `PSI cpu some avg10 ${psiSome(last as AgentReport)}`,
        );
        expect(psiSome(calm)).toBeLessThan(PSI_WARNING_RATIO);
      },
      TEST_TIMEOUT_MS,
    );
  },
);
