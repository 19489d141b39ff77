import { formatRatio } from '../../common/bytes.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** PSI cpu "some": share of time at least one runnable task waited for a CPU. */
export const cpuChecks: Check = ({ cpu }, t) => {
  if (cpu.status !== 'ok' || !cpu.pressure) return [];
  const some = cpu.pressure.some.avg10Ratio;
  const critical = t['cpu-psi-some-critical-ratio'];
  const warning = t['cpu-psi-some-warning-ratio'];
  if (some < warning) return [];
  const threshold = some >= critical ? critical : warning;
  const steal =
    cpu.stealRatio !== null && cpu.stealRatio >= 0.1
      ? `, ${formatRatio(cpu.stealRatio)} stolen by the hypervisor`
      : '';
  return [
    finding(
      'cpu-psi',
      some >= critical ? 'critical' : 'warning',
      `Runnable tasks waited for a CPU ${formatRatio(some)} of the last 10 s (PSI some, threshold ${formatRatio(threshold)}); load ${cpu.load1.toFixed(2)} on ${cpu.cores} cores${steal}.`,
      some,
      threshold,
    ),
  ];
};
