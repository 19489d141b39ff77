import { SignalError } from '../host/read-text.js';

/** The aggregate "cpu" line of /proc/stat, in USER_HZ ticks since boot. */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
  /** Number of "cpuN" lines: online CPUs. */
  readonly cores: number;
}

/** Fields after "cpu"; guest and guest_nice are already included in user and nice, so they are ignored. */
const CPU_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

export function parseProcStat(source: string, text: string): CpuTimes {
  let total: number[] | undefined;
  let cores = 0;
  // Walk line starts and look only at "cpu" lines: the rest of the file (the "intr" line alone holds
  // thousands of counters) is never split or copied.
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (text.startsWith('cpu ', start)) {
      total = text.slice(start, end).trim().split(/\s+/).slice(1).map(Number);
    } else if (
      text.startsWith('cpu', start) &&
      /^cpu\d+ /.test(text.slice(start, Math.min(end, start + 16)))
    ) {
      cores += 1;
    }
    start = end + 1;
  }
  // Kernels before 2.6.11 had fewer fields; four (user nice system idle) is the minimum we can use.
  if (!total || total.length < 4 || total.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new SignalError(`${source}: no usable aggregate "cpu" line`);
  }
  const values = Object.fromEntries(CPU_FIELDS.map((field, index) => [field, total?.[index] ?? 0]));
  return { ...(values as Record<(typeof CPU_FIELDS)[number], number>), cores: Math.max(cores, 1) };
}

/** Share of busy, iowait and steal time between two samples; null when no time passed (same snapshot). */
export function cpuShares(
  previous: CpuTimes,
  current: CpuTimes,
): { busyRatio: number; iowaitRatio: number; stealRatio: number } | null {
  const delta = (field: (typeof CPU_FIELDS)[number]) => Math.max(current[field] - previous[field], 0);
  const total = CPU_FIELDS.reduce((sum, field) => sum + delta(field), 0);
  if (total === 0) return null;
  return {
    busyRatio: (total - delta('idle') - delta('iowait')) / total,
    iowaitRatio: delta('iowait') / total,
    stealRatio: delta('steal') / total,
  };
}
