import { SignalError } from '../host/read-text.js';
import { pickKeyNumbers, required } from './key-value.js';

export interface Meminfo {
  readonly totalBytes: number;
  /** MemAvailable (kernel ≥ 3.14): the kernel's own estimate, which the kubelet's eviction also uses. */
  readonly availableBytes: number;
  readonly swapTotalBytes: number;
  readonly swapFreeBytes: number;
}

const KIB = 1024;
const KEYS = ['MemTotal', 'MemAvailable', 'SwapTotal', 'SwapFree'];

export function parseMeminfo(source: string, text: string): Meminfo {
  const values = pickKeyNumbers(text, KEYS, { kB: KIB });
  const totalBytes = required(source, values, 'MemTotal');
  const availableBytes = required(source, values, 'MemAvailable');
  if (totalBytes === 0 || availableBytes > totalBytes) {
    throw new SignalError(`${source}: MemAvailable ${availableBytes} does not fit MemTotal ${totalBytes}`);
  }
  return {
    totalBytes,
    availableBytes,
    swapTotalBytes: values.get('SwapTotal') ?? 0,
    swapFreeBytes: values.get('SwapFree') ?? 0,
  };
}
