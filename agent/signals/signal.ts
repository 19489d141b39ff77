import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent-config.js';
import type { HostPaths } from '../host/host-paths.js';
import type { Samples, SignalName } from '../sample-types.js';

/** What every signal gets: configuration, the host root and a logger. */
export interface SignalContext {
  readonly config: AgentConfig;
  readonly paths: HostPaths;
  readonly logger: Logger;
}

/**
 * One sampled signal. `sample()` is called once per cycle and may keep state between calls (previous
 * counters for rates, failure streaks). It should return absent/unavailable readings itself; anything it
 * throws is turned into `unavailable` by the sampler, so a bug in one reader never takes down the others.
 */
export interface Signal<K extends SignalName = SignalName> {
  readonly name: K;
  sample(): Promise<Samples[K]>;
  /** Releases sockets, file descriptors and clients. */
  close?(): Promise<void> | void;
}
