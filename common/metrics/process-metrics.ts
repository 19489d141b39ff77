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
  const delay = monitorEventLoopDelay({ resolution });
  delay.enable();
  new Gauge({
    name: `${prefix}eventloop_delay_seconds`,
    help: 'Event-loop delay since the previous scrape, by quantile (0.5, 0.99, 1 = max), seconds.',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      // The monitor reports nanoseconds and includes its own resolution in every sample.
      const seconds = (nanos: number) => Math.max(nanos / 1e9 - resolution / 1000, 0);
      if (delay.count > 0) {
        this.set({ quantile: '0.5' }, seconds(delay.percentile(50)));
        this.set({ quantile: '0.99' }, seconds(delay.percentile(99)));
        this.set({ quantile: '1' }, seconds(delay.max));
      }
      delay.reset();
    },
  });
}
