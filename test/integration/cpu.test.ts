import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../agent/finding.js';
import type { AgentReport } from '../../agent/report.js';
import type { PressureLine } from '../../agent/sample-types.js';
import { agentOnce, findingsFor } from '../harness/agent-process.js';
import { startStressNg } from '../harness/stress-ng.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * Real CPU starvation: stress-ng runs twice as many busy loops as there are CPUs, so runnable tasks queue
 * for a CPU most of the time, and the kernel's PSI cpu "some" climbs. The built agent must see it: at once
 * from the stall share of its own interval (the growth of PSI's total between its two samples, 1 s apart
 * with --once), and on the 10 s average once that has climbed.
 */

/** Defaults of the check under test (agent/config/thresholds.ts). */
const PSI_WARNING_RATIO = 0.4;
const PSI_CRITICAL_RATIO = 0.8;
/** Hogs per CPU: with two runnable tasks per CPU one of them is always waiting. */
const HOGS_PER_CPU = 2;
/**
 * stress-ng stops by itself after this even if the runner is SIGKILLed before its cleanup; the test needs
 * well under it (PSI avg10, which decides when the finding clears, is an exponential average that takes
 * ~10 s to climb and decay).
 */
const STRESS_TIMEOUT = '150s';
/** Bounded waits for PSI to climb above the thresholds, then for avg10 to decay below the critical one. */
const RAMP_UP_TIMEOUT_MS = 60_000;
const DECAY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 1_000;
/** All three waits plus the agent runs themselves. */
const TEST_TIMEOUT_MS = 2 * RAMP_UP_TIMEOUT_MS + DECAY_TIMEOUT_MS + 30_000;

/** Online CPUs as the agent counts them: the cpuN lines of /proc/stat. */
function onlineCpus(): number {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line)).length;
}

/** PSI cpu "some" of a report's cpu sample. */
function someLine(report: AgentReport): PressureLine | undefined {
  const cpu = report.samples.cpu;
  return cpu.status === 'ok' ? cpu.pressure?.some : undefined;
}

/** What the check judges: the higher of the interval share and avg10. */
function psiSome(report: AgentReport): number | undefined {
  const some = someLine(report);
  return some && Math.max(some.intervalRatio ?? 0, some.avg10Ratio);
}

/** The cpu-starvation finding of a report, if any, with the report it came from. */
function starvation(report: AgentReport): { report: AgentReport; finding: Finding } | undefined {
  const [finding] = findingsFor(report, 'cpu-starvation');
  return finding ? { report, finding } : undefined;
}

/** The finding carries the PSI value the agent judged, with the severity and threshold that value implies. */
function expectConsistent({ report, finding }: { report: AgentReport; finding: Finding }): void {
  const some = psiSome(report);
  expect(some).toBeGreaterThanOrEqual(PSI_WARNING_RATIO);
  expect(finding.check).toBe('cpu-psi');
  expect(finding.value).toBe(some);
  const critical = (some ?? 0) >= PSI_CRITICAL_RATIO;
  expect(finding.severity).toBe(critical ? 'critical' : 'warning');
  expect(finding.threshold).toBe(critical ? PSI_CRITICAL_RATIO : PSI_WARNING_RATIO);
}

const hasCpuPressure = () =>
  existsSync('/proc/pressure/cpu') ? undefined : 'PSI (/proc/pressure/cpu; kernel with CONFIG_PSI=y)';

describe.skipIf(requires({ root: true, commands: ['stress-ng'], check: hasCpuPressure }))(
  'cpu-starvation under stress-ng',
  () => {
    it(
      'raises critical cpu-starvation (PSI cpu some >= 80% of the interval) under stress-ng, and eases after',
      async () => {
        const cpus = onlineCpus();
        const hogs = cpus * HOGS_PER_CPU;
        const stress = startStressNg(['--cpu', String(hogs), '--timeout', STRESS_TIMEOUT, '--quiet']);
        let last: AgentReport | undefined;
        const describeLast = () =>
          `PSI cpu some ${JSON.stringify(last && someLine(last))}, findings ${JSON.stringify(last?.findings)}`;
        try {
          const first = await waitFor(
            'cpu-starvation in --once --json',
            async () => {
              last = await agentOnce([]);
              return starvation(last);
            },
            { timeoutMs: RAMP_UP_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS },
            describeLast,
          );
          expectConsistent(first);
          expect(first.finding.summary).toContain(`${cpus} cores`);
          // The agent's 1 s interval lay wholly under the hogs: a task waited nearly all of it, which the
          // interval share shows at once, while avg10 (updated every 2 s) is still on its way up.
          const interval = someLine(first.report)?.intervalRatio;
          expect(interval).toBeGreaterThanOrEqual(PSI_CRITICAL_RATIO);
          expect(first.finding).toMatchObject({ severity: 'critical', value: interval });
          expect(first.finding.summary).toMatch(
            /of the last \d+(\.\d)? s interval \(PSI some; 10 s average \d+\.\d%, threshold 80\.0%\)/,
          );
          const cpu = first.report.samples.cpu;
          expect(cpu.status === 'ok' && cpu.cores).toBe(cpus);
          // The hogs kept every CPU busy between the agent's two samples.
          expect(cpu.status === 'ok' && cpu.busyRatio).toBeGreaterThan(0.9);

          // With two hogs per CPU a task is always waiting: the 10 s average too climbs past the critical
          // level (the brief's definition), and the finding stays critical.
          const critical = await waitFor(
            'PSI cpu some avg10 at the critical level',
            async () => {
              last = await agentOnce([]);
              const found = starvation(last);
              const avg10 = someLine(last)?.avg10Ratio ?? 0;
              return avg10 >= PSI_CRITICAL_RATIO && found?.finding.severity === 'critical'
                ? found
                : undefined;
            },
            { timeoutMs: RAMP_UP_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS },
            describeLast,
          );
          expectConsistent(critical);
          expect(stress.child.exitCode).toBeNull();
        } finally {
          await stress.stop();
        }

        // Back below the critical level once the hogs are gone and avg10 has decayed. (Not necessarily
        // below the warning level: on a shared machine other work may keep PSI some above 40%.)
        const calmer = await waitFor(
          'cpu-starvation to drop below critical after stress-ng stopped',
          async () => {
            last = await agentOnce([]);
            return starvation(last)?.finding.severity === 'critical' ? undefined : last;
          },
          { timeoutMs: DECAY_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS },
          describeLast,
        );
        expect(psiSome(calmer)).toBeLessThan(PSI_CRITICAL_RATIO);
        const remaining = starvation(calmer);
        if (remaining) expectConsistent(remaining);
      },
      TEST_TIMEOUT_MS,
    );
  },
);
