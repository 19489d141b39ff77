import { formatRatio } from '../../common/bytes.js';
import type { Check } from './check.js';
import { finding } from './check.js';
import { describeStall, stallRatio } from './pressure-share.js';

/** PSI cpu "some": share of time at least one runnable task waited for a CPU. */
export const cpuChecks: Check = ({ cpu }, t) => {
  if (cpu.status !== 'ok' || !cpu.pressure) return [];
  const some = stallRatio(cpu.pressure.some);
  const critical = t['cpu-psi-some-critical-ratio'];
  const warning = t['cpu-psi-some-warning-ratio'];
  if (some < warning) return [];
  const threshold = some >= critical ? critical : warning;
  const steal =
    cpu.stealRatio !== null && cpu.stealRatio >= 0.1
      ? `, ${formatRatio(cpu.stealRatio)} stolen by the hypervisor`
      : '';
  const stall = describeStall(cpu.pressure.some, cpu.pressure.intervalSeconds, 'PSI some', threshold);
  return [
    finding(
      'cpu-psi',
      some >= critical ? 'critical' : 'warning',
      `Runnable tasks waited for a CPU ${stall}; load ${cpu.load1.toFixed(2)} on ${cpu.cores} cores${steal}.`,
      some,
      threshold,
    ),
  ];
};
