import { KernelLog } from '../kernel/kernel-log.js';
import { ok } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

/**
 * The kernel log (/dev/kmsg under --host-root): OOM kills naming the victim, hung tasks, soft lockups,
 * filesystems gone read-only and conntrack drops, each held for --event-hold. See agent/kernel/.
 */
export function createKernelSignal({ paths, config, logger }: SignalContext): Signal<'kernel'> {
  const log = new KernelLog(paths, config.eventHoldMs, logger);
  return {
    name: 'kernel',
    sample: async () => ok(await log.sample()),
    close: () => log.close(),
  };
}
