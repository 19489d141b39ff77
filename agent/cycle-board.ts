import type { AgentReport } from './report.js';

type Listener = (report: AgentReport, previous: AgentReport | undefined) => void;

/**
 * Holds the latest completed cycle for readers that run on their own schedule (the /metrics scrape,
 * /healthz, later the collector link) and tells subscribers when a new one lands.
 */
export class CycleBoard {
  private current: AgentReport | undefined;
  private completedAt: number | undefined;
  private readonly listeners: Listener[] = [];

  get latest(): AgentReport | undefined {
    return this.current;
  }

  /** Monotonic milliseconds (performance.now()) of the last publish, for staleness checks. */
  get lastCompletedAt(): number | undefined {
    return this.completedAt;
  }

  publish(report: AgentReport): void {
    const previous = this.current;
    this.current = report;
    this.completedAt = performance.now();
    for (const listener of this.listeners) listener(report, previous);
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }
}
