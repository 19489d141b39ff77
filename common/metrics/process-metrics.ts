import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The process's own health, under a program prefix (nodedoc_agent_, nodedoc_collector_): CPU, memory,
 * start time and event-loop delay. A deliberately small set instead of prom-client's
 * collectDefaultMetrics, which adds ~60 series (per-space heap sizes, GC histograms, handle counts) and
 * was the largest part of the agent's scrape cost; these few answer "is the agent itself healthy".
 */
export function registerProcessMetrics(
  registry: Registry,
  prefix: string,
  options: {
    /**
     * Sample the event-loop delay with a timer of this period. Off by default: the monitor wakes the
     * process every period, which cost the agent ~5 ms of CPU per second at 20 ms — more than sampling the
     * whole host once a second. Servers that are busy anyway (the collector) can afford it.
     */
    eventLoopResolutionMs?: number;
  } = {},
): void {
  let lastCpuMicros = 0;
  new Counter({
    name: `${prefix}process_cpu_seconds_total`,
    help: 'User and system CPU time spent by this process, seconds.',
    registers: [registry],
    collect() {
      const { user, system } = process.cpuUsage();
      const total = user + system;
      this.inc((total - lastCpuMicros) / 1e6);
      lastCpuMicros = total;
    },
  });
  new Gauge({
    name: `${prefix}process_resident_memory_bytes`,
    help: 'Resident set size of this process, bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: `${prefix}process_heap_used_bytes`,
    help: 'V8 heap in use by live objects, bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Gauge({
    name: `${prefix}process_start_time_seconds`,
    help: 'Unix time this process started, seconds.',
    registers: [registry],
  }).set(Math.round(Date.now() / 1000 - process.uptime()));

  const resolution = options.eventLoopResolutionMs;
  if (resolution === undefined) return;
  // Delay of the event loop since the previous scrape: a wedged loop or a starved CPU shows here first.
  // One gauge per statistic (prom-client's own nodejs_eventloop_lag_p50_seconds idiom): a gauge with a
  // "quantile" label is reserved for summaries and fails `promtool check metrics`.
  const delay = monitorEventLoopDelay({ resolution });
  delay.enable();
  // The monitor reports nanoseconds and includes its own resolution in every sample.
  const seconds = (nanos: number) => Math.max(nanos / 1e9 - resolution / 1000, 0);
  // prom-client collects in registration order, so the first gauge takes the window's snapshot and resets
  // the monitor, and the other two report from that same snapshot.
  let window: Record<'p50' | 'p99' | 'max', number> | undefined;
  const statistics = [
    ['p50', 'median'],
    ['p99', '99th percentile'],
    ['max', 'maximum'],
  ] as const;
  for (const [index, [statistic, what]] of statistics.entries()) {
    new Gauge({
      name: `${prefix}eventloop_delay_${statistic}_seconds`,
      help: `Event-loop delay since the previous scrape, ${what}, seconds.`,
      registers: [registry],
      collect() {
        if (index === 0) {
          window =
            delay.count > 0
              ? {
                  p50: seconds(delay.percentile(50)),
                  p99: seconds(delay.percentile(99)),
                  max: seconds(delay.max),
                }
              : undefined;
          delay.reset();
        }
        if (window) this.set(window[statistic]);
      },
    });
  }
}
