import { dirname, resolve } from 'node:path';
import { COLLECTOR_BIN } from './collector-process.js';
import type { ContainerSpec, PodSpec } from './deploy-manifests.js';
import { sandboxCommand, shellQuote } from './sandbox-command.js';

/**
 * Runs the built collector the way deploy/collector-deployment.yaml's security context says a container
 * runtime would, without one: a private mount namespace where the PersistentVolumeClaim mount is a bind of a
 * test directory (group-owned by fsGroup and setgid, as the kubelet leaves a volume), every emptyDir a fresh
 * tmpfs, the root filesystem read-only when the spec asks for it, and the process started with the pod's
 * runAsUser/runAsGroup/fsGroup, no_new_privs and an empty capability set.
 *
 * Needs root (to build the sandbox), unshare and setpriv (util-linux).
 */
export interface CollectorSandboxSpec {
  readonly container: ContainerSpec;
  readonly pod: PodSpec & {
    securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number; runAsNonRoot?: boolean };
  };
  /** An existing directory outside any emptyDir mount path; mount paths are recreated under it. */
  readonly sandboxDir: string;
  /** Directory that stands in for the PersistentVolumeClaim's volume. */
  readonly volumeDir: string;
}

/** The [file, argv] to spawn; `--flag=VALUE` args naming a mount path are rewritten under the sandbox. */
export function collectorSandboxCommand(
  spec: CollectorSandboxSpec,
  args: readonly string[],
): [string, string[]] {
  const { container, pod, sandboxDir, volumeDir } = spec;
  const security = pod.securityContext ?? {};
  if (security.runAsNonRoot !== true || !security.runAsUser || !security.runAsGroup) {
    throw new Error('the collector sandbox models a non-root pod with runAsUser and runAsGroup');
  }
  const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
  const script = ['set -eu'];
  const mountPaths: string[] = [];
  const emptyDirs: string[] = [];
  if (security.fsGroup !== undefined) {
    // What the kubelet does with fsGroup: the volume's group becomes fsGroup, group-writable and setgid.
    script.push(
      `chown 0:${security.fsGroup} ${shellQuote(volumeDir)}`,
      `chmod 2770 ${shellQuote(volumeDir)}`,
    );
  }
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (volume?.persistentVolumeClaim) {
      const target = `${sandboxDir}${mount.mountPath}`;
      mountPaths.push(mount.mountPath);
      script.push(
        `mkdir -p ${shellQuote(target)}`,
        `mount --bind ${shellQuote(volumeDir)} ${shellQuote(target)}`,
      );
    } else if (volume?.emptyDir) {
      emptyDirs.push(mount.mountPath);
    } else {
      throw new Error(
        `volume ${mount.name}: the collector sandbox models persistentVolumeClaim and emptyDir`,
      );
    }
  }
  // A checkout under an emptyDir's path (a CI clone in /tmp) would vanish under its tmpfs with the program in it:
  // it is set aside in the sandbox directory first and bound back at its own path on top of the tmpfs.
  const repository = resolve(dirname(COLLECTOR_BIN), '..', '..');
  const hidden = emptyDirs.some((path) => repository === path || repository.startsWith(`${path}/`));
  const aside = `${sandboxDir}/.repository`;
  if (hidden)
    script.push(
      `mkdir -p ${shellQuote(aside)}`,
      `mount --bind ${shellQuote(repository)} ${shellQuote(aside)}`,
    );
  if (container.securityContext?.readOnlyRootFilesystem === true) script.push('mount -o remount,bind,ro /');
  // An emptyDir at its real path (e.g. /tmp): a fresh, writable tmpfs over whatever the host has there.
  for (const path of emptyDirs) script.push(`mount -t tmpfs -o mode=1777,size=64m tmpfs ${shellQuote(path)}`);
  if (hidden) {
    script.push(
      `mkdir -p ${shellQuote(repository)}`,
      `mount --bind ${shellQuote(aside)} ${shellQuote(repository)}`,
      `mount -o remount,bind,ro ${shellQuote(repository)}`,
    );
  }
  if (!container.securityContext?.capabilities?.drop?.includes('ALL')) {
    throw new Error('the collector sandbox models capabilities.drop: [ALL]');
  }
  const groups = security.fsGroup !== undefined ? [`--groups=${security.fsGroup}`] : ['--clear-groups'];
  const noNewPrivs = container.securityContext?.allowPrivilegeEscalation === false ? ['--no-new-privs'] : [];
  return sandboxCommand({
    script,
    setprivArgs: [
      `--reuid=${security.runAsUser}`,
      `--regid=${security.runAsGroup}`,
      ...groups,
      ...noNewPrivs,
      '--inh-caps=-all',
      '--bounding-set=-all',
    ],
    bin: COLLECTOR_BIN,
    mountPaths,
    sandboxDir,
    args,
  });
}
