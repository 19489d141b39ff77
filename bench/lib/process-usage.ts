import { readFileSync } from 'node:fs';

/** CPU time and memory of one process, read from procfs (no sampling tool in between to distort it). */
export interface ProcessUsage {
  /** utime + stime of the whole thread group, seconds. */
  readonly cpuSeconds: number;
  /**
   * utime + stime of the main thread alone (the task whose id is the pid), seconds: a Node process's
   * event loop, where every gRPC message is framed and handled. Its share of a core is the ceiling.
   */
  readonly mainThreadCpuSeconds: number;
  /** Peak resident set size (VmHWM), bytes. */
  readonly peakRssBytes: number;
  /** Current resident set size (VmRSS), bytes. */
  readonly rssBytes: number;
}

/** USER_HZ is 100 on every Linux architecture the agent targets (it is fixed in the kernel ABI). */
const USER_HZ = 100;
const KIB = 1024;

/** utime + stime from a /proc stat line, seconds. */
function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

export function readProcessUsage(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    cpuSeconds: statCpuSeconds(`/proc/${pid}/stat`),
    mainThreadCpuSeconds: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`),
    peakRssBytes: kib('VmHWM') * KIB,
    rssBytes: kib('VmRSS') * KIB,
  };
}
