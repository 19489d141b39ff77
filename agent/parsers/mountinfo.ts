import { SignalError } from '../host/read-text.js';

export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  /** Per-mount "ro" or superblock "ro": either makes writes fail with EROFS. */
  readonly readOnly: boolean;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_match, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

/**
 * /proc/PID/mountinfo (proc(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * Optional fields end at the lone "-".
 */
export function parseMountinfo(source: string, text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (fields.length < 10 || separator < 0 || separator + 3 >= fields.length + 1) continue;
    const mountPoint = fields[4];
    const options = fields[5];
    const fsType = fields[separator + 1];
    const sourceDevice = fields[separator + 2];
    const superOptions = fields[separator + 3];
    if (!mountPoint?.startsWith('/') || !options || !fsType || sourceDevice === undefined || !superOptions)
      continue;
    mounts.push({
      mountPoint: unescapeOctal(mountPoint),
      fsType,
      source: unescapeOctal(sourceDevice),
      readOnly: options.split(',').includes('ro') || superOptions.split(',').includes('ro'),
    });
  }
  if (mounts.length === 0) throw new SignalError(`${source}: no well-formed mount line`);
  return mounts;
}

/** The mount that holds `path`: the longest mount point that is a path prefix; the last one wins when stacked. */
export function mountFor(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const mount of mounts) {
    const point = mount.mountPoint;
    const covers = point === '/' || path === point || path.startsWith(`${point}/`);
    if (covers && (!best || point.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}
