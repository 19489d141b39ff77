import { pickKeyNumbers } from './key-value.js';

/**
 * oom_kill from /proc/vmstat: OOM kills since boot. null when the kernel has no such counter (before
 * 4.13) or the line is malformed, so callers fall back to the kernel log alone.
 */
export function parseOomKills(text: string): number | null {
  return pickKeyNumbers(text, ['oom_kill']).get('oom_kill') ?? null;
}
