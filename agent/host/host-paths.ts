import { join } from 'node:path';

/**
 * Resolves host paths under the configured root, like node_exporter's --path.rootfs: in a container the
 * host's / is mounted at e.g. /host, and tests point the root at a fixture tree. Every reader goes through
 * this, so no reader can accidentally read the container's own /proc.
 */
export class HostPaths {
  constructor(readonly root: string) {}

  /** A host path such as /var/lib/kubelet, resolved under the root. */
  host(path: string): string {
    return join(this.root, path);
  }

  /** /proc/<rest> of the host. */
  proc(rest: string): string {
    return join(this.root, 'proc', rest);
  }

  /** /sys/<rest> of the host. */
  sys(rest: string): string {
    return join(this.root, 'sys', rest);
  }
}
