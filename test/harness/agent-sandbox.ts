import { AGENT_BIN } from './agent-process.js';
import type { ContainerSpec, PodSpec } from './deploy-manifests.js';
import { sandboxCommand, shellQuote } from './sandbox-command.js';

/**
 * Runs the built agent the way the DaemonSet's container spec says a container runtime would, without one:
 * a private mount namespace in which every volumeMount is a bind mount of its hostPath under a sandbox
 * directory (read-only where the spec says so), the agent's own root filesystem remounted read-only when
 * the spec asks for readOnlyRootFilesystem, and the process started as uid 0 with no_new_privs and only the
 * capabilities the spec adds (bounding and inheritable sets emptied otherwise, as runc does with drop ALL).
 * It shares the host network namespace, as `hostNetwork: true` does.
 *
 * Needs root, unshare and setpriv (util-linux). The mounts live in the namespace and vanish with it.
 */

/** What the sandbox is built from and what it replaces. */
export interface AgentSandboxSpec {
  /** The agent container of the rendered DaemonSet. */
  readonly container: ContainerSpec;
  /** Its pod spec (the hostPath volumes). */
  readonly pod: PodSpec;
  /** An existing directory; mount paths are recreated under it (mountPath /host → SANDBOX/host). */
  readonly sandboxDir: string;
  /** hostPaths not to touch on this machine, replaced by a test's own directory (e.g. the spool). */
  readonly hostPathOverrides?: Readonly<Record<string, string>>;
  /** Capabilities to add instead of the spec's, for a negative control (e.g. [] to drop SYSLOG). */
  readonly capabilitiesOverride?: readonly string[];
}

/**
 * The [file, argv] to spawn. `args` are the agent's arguments; every `--flag=VALUE` whose VALUE is one of
 * the container's mount paths is rewritten to the path under the sandbox directory.
 */
export function agentSandboxCommand(spec: AgentSandboxSpec, args: readonly string[]): [string, string[]] {
  const { container, pod, sandboxDir } = spec;
  const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
  const script: string[] = ['set -eu'];
  const mountPaths: string[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const hostPath = volumes.get(mount.name)?.hostPath?.path;
    if (!hostPath)
      throw new Error(`volume ${mount.name} is not a hostPath; the sandbox only mounts hostPaths`);
    const source = spec.hostPathOverrides?.[hostPath] ?? hostPath;
    const target = `${sandboxDir}${mount.mountPath}`;
    mountPaths.push(mount.mountPath);
    // A target below an earlier read-only bind already exists there (it is the host's own path).
    script.push(`[ -e ${shellQuote(target)} ] || mkdir -p ${shellQuote(target)}`);
    // Kubernetes bind-mounts hostPaths recursively (rbind); readOnly remounts the top mount read-only.
    script.push(`mount --rbind ${shellQuote(source)} ${shellQuote(target)}`);
    if (mount.readOnly) script.push(`mount -o remount,bind,ro ${shellQuote(target)}`);
  }
  if (container.securityContext?.readOnlyRootFilesystem === true) {
    script.push('mount -o remount,bind,ro /');
    script.push('if mountpoint -q /tmp; then mount -o remount,bind,ro /tmp; fi');
  }
  const add = spec.capabilitiesOverride ?? container.securityContext?.capabilities?.add ?? [];
  const drop = container.securityContext?.capabilities?.drop ?? [];
  if (!drop.includes('ALL')) throw new Error('the sandbox models capabilities.drop: [ALL] only');
  const bounding = ['-all', ...add.map((capability) => `+${capability.toLowerCase()}`)].join(',');
  const noNewPrivs = container.securityContext?.allowPrivilegeEscalation === false ? ['--no-new-privs'] : [];
  return sandboxCommand({
    script,
    setprivArgs: [...noNewPrivs, '--inh-caps=-all', `--bounding-set=${bounding}`],
    bin: AGENT_BIN,
    mountPaths,
    sandboxDir,
    args,
  });
}
