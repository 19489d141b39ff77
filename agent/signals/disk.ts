import { statfs } from 'node:fs/promises';
import type { DiskPath } from '../config/agent-config.js';
import type { HostPaths } from '../host/host-paths.js';
import { describeFsError, readText, SignalError } from '../host/read-text.js';
import { type MountEntry, mountFor, parseMountinfo } from '../parsers/mountinfo.js';
import { AbsentRecheck } from '../probes/absent-recheck.js';
import { absent, ok, unavailable } from '../reading.js';
import type { FilesystemSample } from '../sample-types.js';
import type { Signal, SignalContext } from './signal.js';

/**
 * Mount table of the host's init process: its mount namespace is the host's. Falls back to our own
 * (same thing when the agent runs directly on the host without the privilege to read PID 1). The table
 * rarely changes, so it is re-parsed only when its text does.
 */
class HostMounts {
  private text: string | undefined;
  private mounts: MountEntry[] | undefined;

  constructor(private readonly paths: HostPaths) {}

  async read(): Promise<MountEntry[] | undefined> {
    for (const candidate of [this.paths.proc('1/mountinfo'), this.paths.proc('self/mountinfo')]) {
      try {
        const text = await readText(candidate);
        if (text !== this.text || this.mounts === undefined) {
          this.mounts = parseMountinfo(candidate, text);
          this.text = text;
        }
        return this.mounts;
      } catch {
        // Try the next one; mount flags are a refinement, not essential to space figures.
      }
    }
    this.text = undefined;
    return undefined;
  }
}

async function sampleFilesystem(
  paths: HostPaths,
  disk: DiskPath,
  mounts: readonly MountEntry[] | undefined,
): Promise<FilesystemSample> {
  const target = paths.host(disk.path);
  let stats: Awaited<ReturnType<typeof statfs>>;
  try {
    stats = await statfs(target);
  } catch (error) {
    const reason = describeFsError(target, error);
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const reading = missing && !disk.explicit ? absent(reason) : unavailable(reason);
    return { ...reading, path: disk.path, role: disk.role };
  }
  const sizeBytes = stats.blocks * stats.bsize;
  if (sizeBytes <= 0) {
    return {
      ...unavailable(`${target}: statfs reports a filesystem of size 0`),
      path: disk.path,
      role: disk.role,
    };
  }
  const availableBytes = stats.bavail * stats.bsize;
  // Used as df computes it: blocks minus free (root-reserved blocks count as used by nobody).
  const usedBytes = (stats.blocks - stats.bfree) * stats.bsize;
  const mount = mounts ? mountFor(mounts, disk.path) : undefined;
  return ok({
    path: disk.path,
    role: disk.role,
    sizeBytes,
    availableBytes,
    availableRatio: availableBytes / sizeBytes,
    usedRatio: usedBytes / (usedBytes + availableBytes || 1),
    inodes: stats.files,
    inodesFree: stats.ffree,
    inodesFreeRatio: stats.files > 0 ? stats.ffree / stats.files : null,
    mountPoint: mount?.mountPoint ?? null,
    readOnly: mount?.readOnly ?? null,
  });
}

/** statfs of each configured path (space and inodes) and the read-only flag of the mount that holds it. */
export function createDiskSignal({ paths, config }: SignalContext): Signal<'disk'> {
  const hostMounts = new HostMounts(paths);
  // A default path that does not exist (no kubelet here) is looked for again only now and then.
  const rechecks = new Map(config.diskPaths.map((disk) => [disk, new AbsentRecheck(config.rediscoverMs)]));
  const sample = async (
    disk: DiskPath,
    mounts: readonly MountEntry[] | undefined,
  ): Promise<FilesystemSample> => {
    const recheck = rechecks.get(disk);
    const remembered = recheck?.current();
    if (remembered) return { ...remembered, path: disk.path, role: disk.role };
    const reading = await sampleFilesystem(paths, disk, mounts);
    if (reading.status === 'absent') recheck?.remember({ status: 'absent', reason: reading.reason });
    return reading;
  };
  return {
    name: 'disk',
    async sample() {
      if (config.diskPaths.length === 0) throw new SignalError('no --disk-path configured');
      const mounts = await hostMounts.read();
      const filesystems = await Promise.all(config.diskPaths.map((disk) => sample(disk, mounts)));
      return ok({ filesystems });
    },
  };
}
