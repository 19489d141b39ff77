/**
 * Who owns a cgroup path from the kernel log (oom-kill's task_memcg / oom_memcg): a Kubernetes pod and
 * container, or something else. The kubelet lays pods out in one of two ways, on cgroup v1 and v2 alike:
 *
 *   cgroupfs driver: /kubepods/burstable/pod<uid>/<container-id>        (Guaranteed: /kubepods/pod<uid>/…)
 *   systemd driver:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice/
 *                    cri-containerd-<id>.scope   (crio-<id>.scope, docker-<id>.scope for other runtimes)
 *
 * Both may sit under a prefix (kind's /kubelet.slice/kubelet-kubepods.slice/…, a --cgroup-root).
 */

export type QosClass = 'guaranteed' | 'burstable' | 'besteffort';

/** How far down the kubepods tree the path goes. */
export type CgroupLevel = 'container' | 'pod' | 'qos' | 'kubepods' | 'other';

export interface CgroupOwner {
  readonly level: CgroupLevel;
  /** The pod's metadata.uid, with dashes (the systemd driver writes them as underscores). */
  readonly podUid?: string;
  readonly qosClass?: QosClass;
  /** Full 64-hex container id as the runtime reports it (crictl ps shows its first 13 characters). */
  readonly containerId?: string;
  readonly runtime?: 'containerd' | 'cri-o' | 'docker';
  readonly driver?: 'systemd' | 'cgroupfs';
}

const UID = '[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}';
const CONTAINER_ID = /^[0-9a-f]{64}$/;
/** kubepods-burstable-pod<uid>.slice, kubepods-pod<uid>.slice, kubelet-kubepods-…-pod<uid>.slice */
const SYSTEMD_POD = new RegExp(`^(?:[\\w-]*-)?kubepods(?:-(besteffort|burstable))?-pod(${UID})\\.slice$`);
const SYSTEMD_QOS = /^(?:[\w-]*-)?kubepods-(besteffort|burstable)\.slice$/;
const SYSTEMD_KUBEPODS = /^(?:[\w-]*-)?kubepods\.slice$/;
/** The conmon scope CRI-O runs next to each container belongs to the container too. */
const SYSTEMD_SCOPE = /^(cri-containerd|crio|crio-conmon|docker)-([0-9a-f]{64})\.scope$/;
const CGROUPFS_POD = new RegExp(`^pod(${UID})$`);

const RUNTIME_BY_SCOPE: Readonly<Record<string, CgroupOwner['runtime']>> = {
  'cri-containerd': 'containerd',
  crio: 'cri-o',
  'crio-conmon': 'cri-o',
  docker: 'docker',
};

function normalizeUid(uid: string): string {
  return uid.replaceAll('_', '-');
}

function isQos(segment: string | undefined): segment is 'burstable' | 'besteffort' {
  return segment === 'burstable' || segment === 'besteffort';
}

function fromSystemd(segments: readonly string[]): CgroupOwner | undefined {
  const podAt = segments.findIndex((segment) => SYSTEMD_POD.test(segment));
  if (podAt >= 0) {
    const [, qos, uid] = SYSTEMD_POD.exec(segments[podAt] ?? '') as unknown as [string, string, string];
    const pod = {
      podUid: normalizeUid(uid),
      qosClass: (qos ?? 'guaranteed') as QosClass,
      driver: 'systemd' as const,
    };
    const scope = SYSTEMD_SCOPE.exec(segments[podAt + 1] ?? '');
    if (!scope) return { level: 'pod', ...pod };
    const [, kind, id] = scope as unknown as [string, string, string];
    return { level: 'container', ...pod, containerId: id, runtime: RUNTIME_BY_SCOPE[kind] };
  }
  const last = segments.at(-1) ?? '';
  const qos = SYSTEMD_QOS.exec(last);
  if (qos) return { level: 'qos', qosClass: qos[1] as QosClass, driver: 'systemd' };
  if (SYSTEMD_KUBEPODS.test(last)) return { level: 'kubepods', driver: 'systemd' };
  return undefined;
}

function fromCgroupfs(segments: readonly string[]): CgroupOwner | undefined {
  const root = segments.lastIndexOf('kubepods');
  if (root < 0) return undefined;
  const rest = segments.slice(root + 1);
  const qosClass: QosClass = isQos(rest[0]) ? rest[0] : 'guaranteed';
  const podSegment = isQos(rest[0]) ? rest[1] : rest[0];
  if (podSegment === undefined) {
    return isQos(rest[0])
      ? { level: 'qos', qosClass, driver: 'cgroupfs' }
      : { level: 'kubepods', driver: 'cgroupfs' };
  }
  const pod = CGROUPFS_POD.exec(podSegment);
  if (!pod) return undefined;
  const owner = { podUid: normalizeUid(pod[1] ?? ''), qosClass, driver: 'cgroupfs' as const };
  const container = isQos(rest[0]) ? rest[2] : rest[1];
  return container !== undefined && CONTAINER_ID.test(container)
    ? { level: 'container', ...owner, containerId: container }
    : { level: 'pod', ...owner };
}

/** Decodes a cgroup path; anything that is not under kubepods is level 'other'. */
export function cgroupOwner(path: string): CgroupOwner {
  const segments = path.split('/').filter((segment) => segment !== '');
  return fromSystemd(segments) ?? fromCgroupfs(segments) ?? { level: 'other' };
}
