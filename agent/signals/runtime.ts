import { absent } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

// PLACEHOLDER: replaced by the real reader in this session.
export function createRuntimeSignal(_context: SignalContext): Signal<'runtime'> {
  return { name: 'runtime', sample: async () => absent('reader pending') };
}
