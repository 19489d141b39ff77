import { readText } from '../host/read-text.js';
import { parseLoadAvg } from '../parsers/loadavg.js';
import { type CpuTimes, cpuShares, parseProcStat } from '../parsers/proc-stat.js';
import { ok } from '../reading.js';
import { createPressureReader } from './pressure.js';
import type { Signal, SignalContext } from './signal.js';

/** CPU time shares (incl. iowait and steal) from /proc/stat deltas, load averages, and PSI cpu. */
export function createCpuSignal({ paths }: SignalContext): Signal<'cpu'> {
  let previous: CpuTimes | undefined;
  const readPressure = createPressureReader(paths, 'cpu');
  return {
    name: 'cpu',
    async sample() {
      const statPath = paths.proc('stat');
      const loadPath = paths.proc('loadavg');
      const [statText, loadText, pressure] = await Promise.all([
        readText(statPath),
        readText(loadPath),
        readPressure(),
      ]);
      const times = parseProcStat(statPath, statText);
      const load = parseLoadAvg(loadPath, loadText);
      const shares = previous ? cpuShares(previous, times) : null;
      previous = times;
      return ok({
        cores: times.cores,
        busyRatio: shares?.busyRatio ?? null,
        iowaitRatio: shares?.iowaitRatio ?? null,
        stealRatio: shares?.stealRatio ?? null,
        load1: load.load1,
        load5: load.load5,
        load15: load.load15,
        pressure,
      });
    },
  };
}
