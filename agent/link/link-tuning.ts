import type { BackoffPolicy } from './backoff.js';

/**
 * The link's limits and timers. Production uses LINK_DEFAULTS; tests shorten the timers so a keepalive or
 * watchdog verdict takes a second rather than half a minute.
 */
export interface LinkTuning {
  readonly backoff: BackoffPolicy;
  /** A stream that stayed up this long was healthy: the next reconnect starts the backoff over. */
  readonly healthyAfterMs: number;
  /** HTTP/2 keepalive ping period and how long to wait for its answer (see channel-options.ts). */
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  /** The watchdog tears a stream down after this many intervals without an ack while reports are out... */
  readonly watchdogIntervals: number;
  /** ...but never sooner than this. */
  readonly watchdogMinMs: number;
  /** A batch carries at most this many reports and this many payload bytes (the first report always). */
  readonly maxBatchReports: number;
  readonly maxBatchBytes: number;
  /** Bytes written to the stream and not yet flushed to the connection before the link stops writing. */
  readonly maxInFlightBytes: number;
  /** Random source of the backoff jitter, [0, 1). */
  readonly random: () => number;
}

/** The first retry comes within a second: a collector that restarts is back within a few. */
const BACKOFF_BASE_MS = 1_000;
/**
 * The ceiling of a retry's delay. Half a minute keeps an agent's reports flowing soon after an outage
 * ends, while 15,000 agents retrying uniformly over 30 s are 500 connections a second for the collector.
 */
const BACKOFF_MAX_MS = 30_000;
/** One minute up: the collector is healthy again, not flapping. */
const HEALTHY_AFTER_MS = 60_000;
/** The values; why servers in other languages accept them is in channel-options.ts. */
const KEEPALIVE_TIME_MS = 20_000;
const KEEPALIVE_TIMEOUT_MS = 10_000;
/** Three missed acks in a row: the same count the collector uses to call a node Unreachable. */
const WATCHDOG_INTERVALS = 3;
/** A collector busy with a burst of replays may take a few seconds per batch; that is not a dead stream. */
const WATCHDOG_MIN_MS = 15_000;
/**
 * Replay batches: well under the collector's 4 MiB message limit (and grpc's default), small enough that
 * one batch in memory is no burden on the agent's 64 MiB, large enough that replaying a full 64 MiB spool
 * takes a few hundred round trips, not thousands.
 */
const MAX_BATCH_BYTES = 512 * 1024;
const MAX_BATCH_REPORTS = 200;
/** Two batches: one being flushed while the next is ready; beyond that the link waits for the network. */
const MAX_IN_FLIGHT_BYTES = 2 * MAX_BATCH_BYTES;

export const LINK_DEFAULTS: LinkTuning = {
  backoff: { baseMs: BACKOFF_BASE_MS, maxMs: BACKOFF_MAX_MS },
  healthyAfterMs: HEALTHY_AFTER_MS,
  keepaliveTimeMs: KEEPALIVE_TIME_MS,
  keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS,
  watchdogIntervals: WATCHDOG_INTERVALS,
  watchdogMinMs: WATCHDOG_MIN_MS,
  maxBatchReports: MAX_BATCH_REPORTS,
  maxBatchBytes: MAX_BATCH_BYTES,
  maxInFlightBytes: MAX_IN_FLIGHT_BYTES,
  random: Math.random,
};
