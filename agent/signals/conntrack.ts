import { absent } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

// PLACEHOLDER: replaced by the real reader in this session.
export function createConntrackSignal(_context: SignalContext): Signal<'conntrack'> {
  return { name: 'conntrack', sample: async () => absent('reader pending') };
}
