import { readdir } from 'node:fs/promises';
import { readText } from '../host/read-text.js';
import { type DiskCounters, diskRates, parseDiskstats } from '../parsers/diskstats.js';
import { ok } from '../reading.js';
import type { BlockDeviceSample } from '../sample-types.js';
import { createPressureReader } from './pressure.js';
import type { Signal, SignalContext } from './signal.js';

/** Virtual devices whose latency says nothing about the node's disks. */
const IGNORED_DEVICES = /^(loop|ram|zram|fd|sr|nbd)\d*/;

/** Per-disk await and utilisation from /proc/diskstats deltas, and PSI io. */
export function createIoSignal({ paths }: SignalContext): Signal<'io'> {
  let previous: { counters: Map<string, DiskCounters>; at: bigint } | undefined;
  const readPressure = createPressureReader(paths, 'io');
  return {
    name: 'io',
    async sample() {
      const diskstatsPath = paths.proc('diskstats');
      const [text, pressure, wholeDisks] = await Promise.all([
        readText(diskstatsPath),
        readPressure(),
        // /sys/block lists whole disks only; partitions live under their disk.
        readdir(paths.sys('block')).then(
          (names) => new Set(names),
          () => undefined,
        ),
      ]);
      const at = process.hrtime.bigint();
      const counters = new Map(
        parseDiskstats(diskstatsPath, text)
          .filter(({ device }) => !IGNORED_DEVICES.test(device) && (wholeDisks?.has(device) ?? true))
          .map((entry) => [entry.device, entry]),
      );
      const devices: BlockDeviceSample[] = [];
      if (previous) {
        const elapsedSeconds = Number(at - previous.at) / 1e9;
        for (const [device, current] of counters) {
          const before = previous.counters.get(device);
          const rates = before ? diskRates(before, current, elapsedSeconds) : undefined;
          if (rates) devices.push({ device, ...rates });
        }
      }
      previous = { counters, at };
      return ok({ devices, pressure });
    },
  };
}
