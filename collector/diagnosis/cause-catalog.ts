/**
 * What the classifier knows about each cause, as data: its title, whether it makes the node NotReady when
 * no Kubernetes API says so, whether it may be a fleet-wide symptom, whether it is a one-off event, and the
 * ordered steps on-call takes first. A new cause id in the proto fails type-checking here until described.
 */
import { CAUSE_IDS, type CauseIdString } from '../../common/ids.js';
import { runbookPath } from './diagnosis.js';

export interface CauseTraits {
  /** One line (ListCauses, GET /api/v1/causes). */
  readonly title: string;
  /**
   * Without readiness from the API, a critical finding of this cause stands in for Ready=False: the
   * kubelet itself reports NotReady (runtime down → "PLEG is not healthy" / "container runtime is down";
   * CNI → "container runtime network not ready"), or stops posting status so the node lifecycle controller
   * sets Unknown (kubelet down, API server unreachable, an expired client certificate). Pressure causes
   * (memory, disk, PIDs) set their own conditions and taints but leave Ready=True: they are AtRisk.
   */
  readonly impliesNotReady: boolean;
  /**
   * The symptom can come from outside the node (a shared resolver, the control plane, NTP, a kernel or
   * kube-proxy setting rolled out everywhere), so seeing it on a large share of nodes points away from
   * each node. Node-local resources (memory, disk, the node's own kubelet) are never fleet causes.
   */
  readonly fleetEligible: boolean;
  /**
   * A one-off event rather than a state: it stays visible for --event-window after it was last reported,
   * then ages out, instead of clearing when the next report lacks it.
   */
  readonly event: boolean;
  /** What a fleet-scope verdict tells on-call to look at instead of the node ("CoreDNS or the upstream resolver"). */
  readonly fleetLook?: string;
  /** Ordered first steps. `{node}` is the node's name, `{subject}` what the evidence names (a path, a server). */
  readonly remediation: readonly string[];
}

export const CAUSE_CATALOG: Readonly<Record<CauseIdString, CauseTraits>> = {
  'kubelet-down': {
    title: 'Kubelet not answering its health check',
    impliesNotReady: true,
    fleetEligible: false,
    event: false,
    remediation: [
      'kubectl describe node {node}  # Ready condition, reason and message',
      'On the node: systemctl status kubelet; journalctl -u kubelet --since -15min --no-pager | tail -n 100',
      'curl -sS http://127.0.0.1:10248/healthz  # the probe nodedoc runs',
      'systemctl restart kubelet once the log shows why it stopped (config, certificate, runtime socket)',
    ],
  },
  'container-runtime-down': {
    title: 'Container runtime not answering (CRI)',
    impliesNotReady: true,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: crictl info  # RuntimeReady / NetworkReady',
      'systemctl status containerd; journalctl -u containerd --since -15min --no-pager | tail -n 100',
      'systemctl restart containerd, then journalctl -u kubelet -f until PLEG is healthy again',
      'kubectl drain {node} --ignore-daemonsets --delete-emptydir-data if it does not recover',
    ],
  },
  'cni-not-ready': {
    title: 'Pod network (CNI) not ready',
    impliesNotReady: true,
    fleetEligible: true,
    event: false,
    fleetLook: 'the CNI DaemonSet rollout or its control plane',
    remediation: [
      'crictl info | grep -A3 NetworkReady  # the runtime says why',
      'ls /etc/cni/net.d/ /opt/cni/bin/  # a CNI config and plugin must exist',
      'kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={node}  # the CNI agent pod on this node',
      'kubectl -n kube-system logs <cni-agent-pod-on-{node}> --tail=100',
    ],
  },
  'memory-pressure': {
    title: 'Memory running out',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'kubectl top pods -A --sort-by=memory --field-selector spec.nodeName={node} | head',
      'On the node: grep -E "MemAvailable|Committed_AS" /proc/meminfo; cat /proc/pressure/memory',
      'kubectl describe node {node} | grep -A8 "Allocated resources"  # limits vs allocatable',
      'Evict or move the top consumer; set memory limits; reserve memory for the system (--system-reserved)',
    ],
  },
  'oom-kill': {
    title: 'Processes killed for lack of memory',
    impliesNotReady: false,
    fleetEligible: false,
    event: true,
    remediation: [
      'On the node: journalctl -k --since -30min | grep -iE "killed process|out of memory"',
      'kubectl get pods -A --field-selector spec.nodeName={node} -o wide | grep -i oomkilled  # pod victims',
      'Raise the victim’s memory limit or fix its leak; for system daemons raise --system-reserved',
    ],
  },
  'disk-pressure': {
    title: 'Disk space running out',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: df -h {subject}; du -xsh {subject}/* 2>/dev/null | sort -h | tail',
      'crictl rmi --prune  # unused images',
      'journalctl --vacuum-size=500M; find /var/log/pods -name "*.log" -size +500M',
      'kubectl describe node {node} | grep -i diskpressure',
    ],
  },
  'inode-exhaustion': {
    title: 'Inodes running out',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: df -i {subject}',
      'find {subject} -xdev -printf "%h\\n" | sort | uniq -c | sort -n | tail  # directories with most files',
      'crictl rmi --prune; remove the directory of many small files the search finds',
    ],
  },
  'io-saturation': {
    title: 'Disk I/O saturated',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: cat /proc/pressure/io; iostat -x 5 3  # await and %util of {subject}',
      'pidstat -d 5 3 | sort -k6 -n | tail  # who writes',
      'Move heavy writers (logs, emptyDir, image pulls) off the kubelet disk, or give it more IOPS',
    ],
  },
  'cpu-starvation': {
    title: 'CPU starvation',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'kubectl top pods -A --sort-by=cpu --field-selector spec.nodeName={node} | head',
      'On the node: cat /proc/pressure/cpu; top -b -n1 | head -20  # steal (st) means a noisy host',
      'Set CPU requests/limits on the top consumer; reserve CPU for the kubelet (--kube-reserved)',
    ],
  },
  'pid-exhaustion': {
    title: 'PIDs or file descriptors running out',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: cat /proc/sys/kernel/pid_max /proc/sys/kernel/threads-max /proc/sys/fs/file-nr',
      "ps -eLf | awk '{print $2}' | sort | uniq -c | sort -n | tail  # threads per process",
      'Set podPidsLimit in the kubelet config; fix the leaking process',
    ],
  },
  'conntrack-exhaustion': {
    title: 'Conntrack table full',
    impliesNotReady: false,
    fleetEligible: true,
    event: false,
    fleetLook: 'cluster-wide traffic (a connection storm) or the nf_conntrack_max rolled out to every node',
    remediation: [
      'On the node: conntrack -C; sysctl net.netfilter.nf_conntrack_max',
      'conntrack -S  # drop / insert_failed per CPU',
      "conntrack -L -o extended | awk '{print $3}' | sort | uniq -c  # by protocol; find the talker",
      'sysctl -w net.netfilter.nf_conntrack_max=<2x current> (and kube-proxy --conntrack-max-per-core)',
    ],
  },
  'conntrack-race': {
    title: 'Conntrack insertion race (SNAT/DNAT)',
    impliesNotReady: false,
    fleetEligible: true,
    event: false,
    fleetLook: 'the kernel/kube-proxy version or DNS-over-UDP settings shared by the fleet',
    remediation: [
      'On the node: conntrack -S  # insert_failed rising while the table is not full',
      'Use NodeLocal DNSCache or "options single-request-reopen" in pod dnsConfig (parallel A/AAAA over one socket)',
      'Check kube-proxy mode and the kernel version for the known SNAT port-race fixes',
    ],
  },
  'dns-failure': {
    title: 'DNS queries failing',
    impliesNotReady: false,
    fleetEligible: true,
    event: false,
    fleetLook: 'CoreDNS or the upstream resolver',
    remediation: [
      'dig @{subject} kubernetes.default.svc.cluster.local +tries=1 +time=2',
      'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide; kubectl -n kube-system logs -l k8s-app=kube-dns --tail=50',
      'On the node: conntrack -S  # insert_failed/drop point at conntrack, not DNS',
    ],
  },
  'dns-latency': {
    title: 'DNS answers slow',
    impliesNotReady: false,
    fleetEligible: true,
    event: false,
    fleetLook: 'CoreDNS or the upstream resolver',
    remediation: [
      'dig @{subject} kubernetes.default.svc.cluster.local | grep "Query time"',
      'kubectl -n kube-system top pods -l k8s-app=kube-dns  # CoreDNS CPU throttling',
      'kubectl -n kube-system scale deployment coredns --replicas=<more>, or deploy NodeLocal DNSCache',
    ],
  },
  'apiserver-unreachable': {
    title: 'API server unreachable from the node',
    impliesNotReady: true,
    fleetEligible: true,
    event: false,
    fleetLook: 'the control plane or the network path to it',
    remediation: [
      'On the node: curl -sk https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/readyz',
      'journalctl -u kubelet --since -15min | grep -iE "unable to|timeout|x509"',
      'kubectl get --raw=/readyz?verbose  # from outside: is the control plane itself healthy?',
    ],
  },
  'certificate-expiry': {
    title: 'Kubelet client certificate expiring',
    impliesNotReady: true,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: openssl x509 -noout -enddate -in /var/lib/kubelet/pki/kubelet-client-current.pem',
      'kubectl get csr | grep {node}  # pending renewals: kubectl certificate approve <csr>',
      'Enable rotateCertificates in the kubelet config; restart the kubelet after renewing',
    ],
  },
  'clock-skew': {
    title: "Node clock off from the collector's",
    impliesNotReady: false,
    fleetEligible: true,
    event: false,
    fleetLook: "the time source (NTP servers) the nodes share, or the collector's own clock",
    remediation: [
      'On the node: chronyc tracking (or timedatectl timesync-status)  # offset and source',
      'chronyc sources -v; systemctl restart chronyd (or systemd-timesyncd)',
      'chronyc makestep  # step the clock now if the offset breaks TLS or leases',
    ],
  },
  'readonly-filesystem': {
    title: 'Filesystem read-only',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'On the node: grep " ro," /proc/mounts; journalctl -k | grep -iE "remount|I/O error|EXT4-fs error"',
      'kubectl drain {node} --ignore-daemonsets --delete-emptydir-data',
      'fsck the device ({subject}) after unmounting, or replace the node',
    ],
  },
  'kernel-hang': {
    title: 'Kernel hung tasks or soft lockups',
    impliesNotReady: false,
    fleetEligible: false,
    event: true,
    remediation: [
      'On the node: journalctl -k --since -30min | grep -E "blocked for more than|soft lockup" -A20',
      'cat /proc/pressure/io  # hung tasks usually wait on storage',
      'kubectl drain {node} --ignore-daemonsets --delete-emptydir-data; reboot if lockups repeat',
    ],
  },
  'node-reboot': {
    title: 'Node rebooted',
    impliesNotReady: false,
    fleetEligible: false,
    event: true,
    remediation: [
      'On the node: journalctl --list-boots; journalctl -b -1 -n 50 --no-pager  # how the last boot ended',
      'last -x reboot | head -3',
      'kubectl get events --field-selector involvedObject.name={node} --sort-by=.lastTimestamp | tail',
    ],
  },
  'node-unreachable': {
    title: 'Agent silent: node unreachable',
    impliesNotReady: false,
    fleetEligible: false,
    event: false,
    remediation: [
      'kubectl get node {node} -o wide; kubectl describe node {node}  # does the API still hear the kubelet?',
      'kubectl -n nodedoc get pods -o wide --field-selector spec.nodeName={node}  # is the agent running?',
      'ping or ssh the node; check the cloud console for the instance state',
    ],
  },
};

export function traitsOf(id: CauseIdString): CauseTraits {
  return CAUSE_CATALOG[id];
}

/** The remediation steps with the node and the evidence's subject filled in. */
export function remediationFor(id: CauseIdString, node: string, subject: string): string[] {
  return CAUSE_CATALOG[id].remediation.map((step) =>
    step.replaceAll('{node}', node).replaceAll('{subject}', subject === '' ? '<path-or-server>' : subject),
  );
}

export interface CauseInfoView {
  readonly id: CauseIdString;
  readonly title: string;
  readonly runbook: string;
}

/** The taxonomy in the proto's order. */
export function causeCatalog(): CauseInfoView[] {
  return CAUSE_IDS.map((id) => ({ id, title: CAUSE_CATALOG[id].title, runbook: runbookPath(id) }));
}
