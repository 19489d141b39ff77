import { absent } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

// PLACEHOLDER: replaced by the real reader in this session.
export function createKernelSignal(_context: SignalContext): Signal<'kernel'> {
  return { name: 'kernel', sample: async () => absent('reader pending') };
}
