import { absent } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

// PLACEHOLDER: replaced by the real reader in this session.
export function createDnsSignal(_context: SignalContext): Signal<'dns'> {
  return { name: 'dns', sample: async () => absent('reader pending') };
}
