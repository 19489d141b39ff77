import type { SpoolObserver } from './spool.js';

/** What the link tells metrics (agent/metrics/link.ts implements it); the spool's part included. */
export interface LinkObserver extends SpoolObserver {
  /** The stream is established (Welcome received) or not. */
  linkUp(up: boolean): void;
  /** A new stream attempt after the previous one ended or failed. */
  reconnecting(): void;
  /** Reports handed to the stream (replays included). */
  sent(reports: number): void;
  /** Reports the collector acknowledged, at `atMs` (wall clock). */
  acked(reports: number, atMs: number): void;
  /** Reports the collector refused as invalid, dropped so that the ones after them get through. */
  rejected(reports: number): void;
}
