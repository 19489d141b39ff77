import { readFile } from 'node:fs/promises';
import type { HostPaths } from './host/host-paths.js';

/** What the host is, gathered once at start-up. */
export interface Inventory {
  readonly os: string | null;
  readonly kernel: string | null;
  readonly arch: string | null;
  readonly cpuModel: string | null;
  readonly cpuCores: number | null;
  readonly memoryBytes: number | null;
}

/** PRETTY_NAME from the host's os-release (systeminformation would read the container's own). */
async function hostOsName(paths: HostPaths): Promise<string | null> {
  for (const candidate of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      const text = await readFile(paths.host(candidate), 'utf8');
      const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
      if (match?.[1]) return match[1];
    } catch {
      // next candidate
    }
  }
  return null;
}

/**
 * Kernel, CPU and memory totals come from systeminformation: they describe the kernel, which a container
 * shares with its host, so they are right even under a mounted host root. It spawns helpers (lscpu,
 * uname), which is acceptable once at start-up and never on the sampling path. It is imported lazily
 * so that a failure there costs the inventory, not the agent.
 */
export async function collectInventory(paths: HostPaths): Promise<Inventory> {
  const os = await hostOsName(paths);
  try {
    const si = await import('systeminformation');
    const [cpu, mem, osInfo] = await Promise.all([si.cpu(), si.mem(), si.osInfo()]);
    return {
      os: os ?? osInfo.distro ?? null,
      kernel: osInfo.kernel || null,
      arch: osInfo.arch || null,
      cpuModel: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || null,
      cpuCores: cpu.cores || null,
      memoryBytes: mem.total || null,
    };
  } catch {
    return { os, kernel: null, arch: null, cpuModel: null, cpuCores: null, memoryBytes: null };
  }
}
