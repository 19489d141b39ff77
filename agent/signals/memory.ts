import { readText, readTextIfExists } from '../host/read-text.js';
import { parseMeminfo } from '../parsers/meminfo.js';
import { parseOomKills } from '../parsers/vmstat.js';
import { ok } from '../reading.js';
import { createPressureReader } from './pressure.js';
import type { Signal, SignalContext } from './signal.js';

/** MemAvailable, swap, PSI memory and the vmstat oom_kill counter (kills are named by the kernel signal). */
export function createMemorySignal({ paths }: SignalContext): Signal<'memory'> {
  let previousKills: number | null | undefined;
  const readPressure = createPressureReader(paths, 'memory');
  return {
    name: 'memory',
    async sample() {
      const meminfoPath = paths.proc('meminfo');
      const vmstatPath = paths.proc('vmstat');
      const [meminfoText, vmstatText, pressure] = await Promise.all([
        readText(meminfoPath),
        readTextIfExists(vmstatPath),
        readPressure(),
      ]);
      const meminfo = parseMeminfo(meminfoPath, meminfoText);
      // oom_kill exists since 4.13; without it the kernel log is the only source of kills.
      const oomKillsTotal = vmstatText === undefined ? null : parseOomKills(vmstatText);
      const oomKillsDelta =
        previousKills === undefined || previousKills === null || oomKillsTotal === null
          ? null
          : Math.max(oomKillsTotal - previousKills, 0);
      previousKills = oomKillsTotal;
      return ok({
        totalBytes: meminfo.totalBytes,
        availableBytes: meminfo.availableBytes,
        availableRatio: meminfo.availableBytes / meminfo.totalBytes,
        swapTotalBytes: meminfo.swapTotalBytes,
        swapFreeBytes: meminfo.swapFreeBytes,
        pressure,
        oomKillsTotal,
        oomKillsDelta,
      });
    },
  };
}
