import type { SignalName } from '../../agent/sample-types.js';

/**
 * Every key of `samples` in the agent's report, the brief's signal table in output order. Spelled out as
 * a record so that adding a signal to agent/sample-types.ts without listing it here fails type-checking.
 */
const SIGNALS: Readonly<Record<SignalName, true>> = {
  cpu: true,
  memory: true,
  disk: true,
  io: true,
  processes: true,
  conntrack: true,
  dns: true,
  kubelet: true,
  runtime: true,
  apiserver: true,
  certificate: true,
  kernel: true,
  identity: true,
};

export const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];
