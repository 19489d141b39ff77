import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

/** The kernel's own limit on symlinks followed in one lookup (MAXSYMLINKS), so a loop ends the same way. */
const MAX_SYMLINKS = 40;

/**
 * Resolves `path` as the host would, with `root` standing for the host's "/": a symlink with an absolute
 * target is followed inside the root, not in the agent's container. This matters for real files: the
 * kubelet writes pki/kubelet-client-current.pem as an absolute link, /var/run is usually a link to /run,
 * and /etc/resolv.conf often points into /run/systemd/resolve. Resolution stops at the first component
 * that does not exist; the caller's read then reports that path as missing.
 *
 * Returns the path inside the root (e.g. "/host/run/containerd/containerd.sock").
 */
export function resolveInRoot(root: string, path: string): string {
  let pending = posix.normalize(`/${path}`).split('/').filter(Boolean);
  let resolved = '/';
  let links = 0;
  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const candidate = posix.join(resolved, component);
    const onDisk = posix.join(root, candidate);
    let isLink = false;
    try {
      isLink = lstatSync(onDisk).isSymbolicLink();
    } catch {
      // Missing (or unreadable): nothing more to resolve; keep the rest as given.
      return posix.join(root, candidate, ...pending);
    }
    if (!isLink) {
      resolved = candidate;
      continue;
    }
    links += 1;
    if (links > MAX_SYMLINKS) return posix.join(root, candidate, ...pending);
    const target = readlinkSync(onDisk);
    // ".." never climbs above the root: normalising against "/" clamps it, as chroot does.
    const base = target.startsWith('/') ? '/' : resolved;
    pending = [...posix.normalize(posix.join(base, target)).split('/').filter(Boolean), ...pending];
    resolved = '/';
  }
  return posix.join(root, resolved);
}
