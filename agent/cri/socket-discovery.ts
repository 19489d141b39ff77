import { stat } from 'node:fs/promises';
import type { HostPaths } from '../host/host-paths.js';
import { describeFsError } from '../host/read-text.js';

/**
 * Where CRI runtimes listen by default, in the order they are looked for: containerd, CRI-O (both the
 * /var/run and /run spellings, for hosts where /var/run is not a link to /run), cri-dockerd.
 */
export const WELL_KNOWN_CRI_SOCKETS = [
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  // Under a mounted host root, /host/var/run is usually an absolute link to /run and resolves to the
  // container's own /run, so the /run spelling must be listed too.
  '/run/cri-dockerd.sock',
] as const;

const UNIX_SCHEME = 'unix://';

/** Accepts the kubelet's --container-runtime-endpoint form ("unix:///run/…") as well as a plain path. */
export function socketPathOf(endpoint: string): string {
  return endpoint.startsWith(UNIX_SCHEME) ? endpoint.slice(UNIX_SCHEME.length) : endpoint;
}

/**
 * Why a path cannot be a runtime's socket right now ("no such file", "not a socket"), or undefined
 * when it is one. Follows symlinks: /var/run is usually one.
 */
export async function socketProblem(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return info.isSocket() ? undefined : `${path}: not a unix socket`;
  } catch (error) {
    return describeFsError(path, error);
  }
}

/** The first well-known socket that exists on the host, as a host path; undefined when none does. */
export async function findRuntimeSocket(paths: HostPaths): Promise<string | undefined> {
  for (const socket of WELL_KNOWN_CRI_SOCKETS) {
    if ((await socketProblem(paths.host(socket))) === undefined) return socket;
  }
  return undefined;
}
