import { SignalError } from '../host/read-text.js';

/** /proc/uptime: "12345.67 23456.78" — seconds since boot, then idle seconds summed over CPUs. */
export function parseUptime(source: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*$/.exec(text);
  if (!match) throw new SignalError(`${source}: expected "UPTIME IDLE"`);
  const uptime = Number(match[1]);
  if (!Number.isFinite(uptime)) throw new SignalError(`${source}: uptime out of range`);
  return uptime;
}
