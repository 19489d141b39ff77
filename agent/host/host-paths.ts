import { join } from 'node:path';
import { resolveInRoot } from './resolve-in-root.js';

/**
 * Resolves host paths under the configured root, like node_exporter's --path.rootfs: in a container the
 * host's / is mounted at e.g. /host, and tests point the root at a fixture tree. Every reader goes through
 * this, so no reader can accidentally read the container's own /proc.
 */
export class HostPaths {
  constructor(readonly root: string) {}

  /**
   * A host path such as /var/lib/kubelet, resolved under the root. With a root other than "/", symlinks
   * are followed the way the host would follow them (see resolveInRoot); with "/" the kernel does that.
   */
  host(path: string): string {
    return this.root === '/' ? join('/', path) : resolveInRoot(this.root, path);
  }

  /** /proc/<rest> of the host (a procfs mount: its own links are relative or magic, never re-rooted). */
  proc(rest: string): string {
    return join(this.root, 'proc', rest);
  }

  /** /sys/<rest> of the host. */
  sys(rest: string): string {
    return join(this.root, 'sys', rest);
  }
}
