import type { AgentReport } from '../report.js';
import type { PressureLine } from '../sample-types.js';
import type { MetricsContext } from './metrics-context.js';
import { pressureSeries } from './pressure-series.js';
import { type Series, snapshotGauge } from './snapshot-gauge.js';

/** CPU, memory, PSI and process-table gauges from the latest cycle. */
export function registerHostGauges({ registry, board }: MetricsContext): void {
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    series: Parameters<typeof snapshotGauge>[3],
  ) => snapshotGauge(registry, board, { name, help, labelNames }, series);

  /** One number of every PSI line the cycle read, as series labelled {resource, kind}. */
  const pressure =
    (pick: (line: PressureLine) => number | null) =>
    ({ samples }: AgentReport): Series[] => [
      ...(samples.cpu.status === 'ok' ? pressureSeries('cpu', samples.cpu.pressure, pick) : []),
      ...(samples.memory.status === 'ok' ? pressureSeries('memory', samples.memory.pressure, pick) : []),
      ...(samples.io.status === 'ok' ? pressureSeries('io', samples.io.pressure, pick) : []),
    ];
  gauge(
    'nodedoc_pressure_avg10_ratio',
    'PSI stall share over the last 10 s by resource (cpu, memory, io) and kind (some, full).',
    ['resource', 'kind'],
    pressure((line) => line.avg10Ratio),
  );
  gauge(
    'nodedoc_pressure_interval_ratio',
    "PSI stall share over the agent's last sampling interval (growth of the stall total), by resource and kind; the PSI checks judge the higher of this and the 10 s average.",
    ['resource', 'kind'],
    pressure((line) => line.intervalRatio),
  );
  gauge(
    'nodedoc_cpu_time_ratio',
    'Share of CPU time since the previous sample, by mode (busy, iowait, steal).',
    ['mode'],
    ({ samples: { cpu } }) =>
      cpu.status !== 'ok'
        ? []
        : (
            [
              [{ mode: 'busy' }, cpu.busyRatio],
              [{ mode: 'iowait' }, cpu.iowaitRatio],
              [{ mode: 'steal' }, cpu.stealRatio],
            ] as const
          ).flatMap(([labels, value]) => (value === null ? [] : [[labels, value] as const])),
  );
  gauge(
    'nodedoc_memory_available_bytes',
    'MemAvailable from /proc/meminfo.',
    [],
    ({ samples: { memory } }) => (memory.status === 'ok' ? [[{}, memory.availableBytes]] : []),
  );
  gauge('nodedoc_memory_total_bytes', 'MemTotal from /proc/meminfo.', [], ({ samples: { memory } }) =>
    memory.status === 'ok' ? [[{}, memory.totalBytes]] : [],
  );
  gauge(
    'nodedoc_oom_kills',
    'OOM kills since boot (/proc/vmstat oom_kill); a gauge because it resets on reboot without the agent restarting.',
    [],
    ({ samples: { memory } }) =>
      memory.status === 'ok' && memory.oomKillsTotal !== null ? [[{}, memory.oomKillsTotal]] : [],
  );
  gauge('nodedoc_threads', 'Threads alive on the host (/proc/loadavg).', [], ({ samples: { processes } }) =>
    processes.status === 'ok' ? [[{}, processes.threads]] : [],
  );
  gauge(
    'nodedoc_threads_limit',
    'The lower of kernel.pid_max and kernel.threads-max.',
    [],
    ({ samples: { processes } }) =>
      processes.status === 'ok' ? [[{}, Math.min(processes.pidMax, processes.threadsMax)]] : [],
  );
  gauge(
    'nodedoc_file_handles_allocated',
    'Allocated file handles (/proc/sys/fs/file-nr).',
    [],
    ({ samples: { processes } }) => (processes.status === 'ok' ? [[{}, processes.fileHandlesAllocated]] : []),
  );
  gauge('nodedoc_file_handles_limit', 'fs.file-max.', [], ({ samples: { processes } }) =>
    processes.status === 'ok' ? [[{}, processes.fileHandlesMax]] : [],
  );
  gauge(
    'nodedoc_boot_time_seconds',
    'Unix time the node booted (now minus /proc/uptime).',
    [],
    ({ samples: { identity }, time }) =>
      identity.status === 'ok' ? [[{}, Math.round(Date.parse(time) / 1000 - identity.uptimeSeconds)]] : [],
  );
}
