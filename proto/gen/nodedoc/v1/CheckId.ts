// Original file: nodedoc/v1/ids.proto

/**
 * A check is one rule the agent evaluates on its samples; each check points at exactly one cause.
 */
export const CheckId = {
  CHECK_ID_UNSPECIFIED: 'CHECK_ID_UNSPECIFIED',
  /**
   * MemAvailable below the kubelet's hard-eviction threshold.
   */
  CHECK_ID_MEMORY_AVAILABLE: 'CHECK_ID_MEMORY_AVAILABLE',
  /**
   * proc/pressure/memory "full" avg10: every task stalled on memory.
   */
  CHECK_ID_MEMORY_PSI: 'CHECK_ID_MEMORY_PSI',
  /**
   * A new OOM kill (vmstat oom_kill delta or a kernel-log kill record).
   */
  CHECK_ID_OOM_KILL: 'CHECK_ID_OOM_KILL',
  /**
   * statfs free space of a kubelet or image filesystem.
   */
  CHECK_ID_DISK_SPACE: 'CHECK_ID_DISK_SPACE',
  /**
   * statfs free inodes of a kubelet or image filesystem.
   */
  CHECK_ID_DISK_INODES: 'CHECK_ID_DISK_INODES',
  /**
   * proc/pressure/io "full" avg10.
   */
  CHECK_ID_IO_PSI: 'CHECK_ID_IO_PSI',
  /**
   * Average time a block request waited and was served (diskstats), per device.
   */
  CHECK_ID_DISK_AWAIT: 'CHECK_ID_DISK_AWAIT',
  /**
   * proc/pressure/cpu "some" avg10.
   */
  CHECK_ID_CPU_PSI: 'CHECK_ID_CPU_PSI',
  /**
   * Threads in use against pid_max and threads-max.
   */
  CHECK_ID_PID_HEADROOM: 'CHECK_ID_PID_HEADROOM',
  /**
   * Allocated file handles against fs.file-max.
   */
  CHECK_ID_FD_HEADROOM: 'CHECK_ID_FD_HEADROOM',
  /**
   * nf_conntrack_count against nf_conntrack_max.
   */
  CHECK_ID_CONNTRACK_UTILIZATION: 'CHECK_ID_CONNTRACK_UTILIZATION',
  /**
   * Packets dropped because the conntrack table was full.
   */
  CHECK_ID_CONNTRACK_DROPS: 'CHECK_ID_CONNTRACK_DROPS',
  /**
   * insert_failed and drop rising while the table has room: the SNAT/DNAT insertion race.
   */
  CHECK_ID_CONNTRACK_RACE: 'CHECK_ID_CONNTRACK_RACE',
  /**
   * Share of DNS probes to one server that failed (timeout, refused, SERVFAIL).
   */
  CHECK_ID_DNS_ERRORS: 'CHECK_ID_DNS_ERRORS',
  /**
   * DNS probe latency p95, or a timeout tail, to one server.
   */
  CHECK_ID_DNS_LATENCY: 'CHECK_ID_DNS_LATENCY',
  /**
   * The kubelet's /healthz endpoint.
   */
  CHECK_ID_KUBELET_HEALTH: 'CHECK_ID_KUBELET_HEALTH',
  /**
   * CRI RuntimeService/Status reachability and RuntimeReady.
   */
  CHECK_ID_RUNTIME_STATUS: 'CHECK_ID_RUNTIME_STATUS',
  /**
   * CRI NetworkReady condition (the CNI plugin).
   */
  CHECK_ID_RUNTIME_NETWORK: 'CHECK_ID_RUNTIME_NETWORK',
  /**
   * TLS connect and GET /readyz on the API server.
   */
  CHECK_ID_APISERVER_REACHABILITY: 'CHECK_ID_APISERVER_REACHABILITY',
  /**
   * notAfter of the kubelet client certificate.
   */
  CHECK_ID_KUBELET_CERTIFICATE: 'CHECK_ID_KUBELET_CERTIFICATE',
  /**
   * The kubelet root directory sits on a read-only mount, or the kernel remounted a filesystem read-only.
   */
  CHECK_ID_READONLY_FILESYSTEM: 'CHECK_ID_READONLY_FILESYSTEM',
  /**
   * Hung tasks ("blocked for more than N seconds") or soft lockups in the kernel log.
   */
  CHECK_ID_KERNEL_HANG: 'CHECK_ID_KERNEL_HANG',
  /**
   * The boot id changed, or the node booted recently.
   */
  CHECK_ID_BOOT_ID: 'CHECK_ID_BOOT_ID',
} as const;

/**
 * A check is one rule the agent evaluates on its samples; each check points at exactly one cause.
 */
export type CheckId =
  | 'CHECK_ID_UNSPECIFIED'
  | 0
  /**
   * MemAvailable below the kubelet's hard-eviction threshold.
   */
  | 'CHECK_ID_MEMORY_AVAILABLE'
  | 1
  /**
   * proc/pressure/memory "full" avg10: every task stalled on memory.
   */
  | 'CHECK_ID_MEMORY_PSI'
  | 2
  /**
   * A new OOM kill (vmstat oom_kill delta or a kernel-log kill record).
   */
  | 'CHECK_ID_OOM_KILL'
  | 3
  /**
   * statfs free space of a kubelet or image filesystem.
   */
  | 'CHECK_ID_DISK_SPACE'
  | 4
  /**
   * statfs free inodes of a kubelet or image filesystem.
   */
  | 'CHECK_ID_DISK_INODES'
  | 5
  /**
   * proc/pressure/io "full" avg10.
   */
  | 'CHECK_ID_IO_PSI'
  | 6
  /**
   * Average time a block request waited and was served (diskstats), per device.
   */
  | 'CHECK_ID_DISK_AWAIT'
  | 7
  /**
   * proc/pressure/cpu "some" avg10.
   */
  | 'CHECK_ID_CPU_PSI'
  | 8
  /**
   * Threads in use against pid_max and threads-max.
   */
  | 'CHECK_ID_PID_HEADROOM'
  | 9
  /**
   * Allocated file handles against fs.file-max.
   */
  | 'CHECK_ID_FD_HEADROOM'
  | 10
  /**
   * nf_conntrack_count against nf_conntrack_max.
   */
  | 'CHECK_ID_CONNTRACK_UTILIZATION'
  | 11
  /**
   * Packets dropped because the conntrack table was full.
   */
  | 'CHECK_ID_CONNTRACK_DROPS'
  | 12
  /**
   * insert_failed and drop rising while the table has room: the SNAT/DNAT insertion race.
   */
  | 'CHECK_ID_CONNTRACK_RACE'
  | 13
  /**
   * Share of DNS probes to one server that failed (timeout, refused, SERVFAIL).
   */
  | 'CHECK_ID_DNS_ERRORS'
  | 14
  /**
   * DNS probe latency p95, or a timeout tail, to one server.
   */
  | 'CHECK_ID_DNS_LATENCY'
  | 15
  /**
   * The kubelet's /healthz endpoint.
   */
  | 'CHECK_ID_KUBELET_HEALTH'
  | 16
  /**
   * CRI RuntimeService/Status reachability and RuntimeReady.
   */
  | 'CHECK_ID_RUNTIME_STATUS'
  | 17
  /**
   * CRI NetworkReady condition (the CNI plugin).
   */
  | 'CHECK_ID_RUNTIME_NETWORK'
  | 18
  /**
   * TLS connect and GET /readyz on the API server.
   */
  | 'CHECK_ID_APISERVER_REACHABILITY'
  | 19
  /**
   * notAfter of the kubelet client certificate.
   */
  | 'CHECK_ID_KUBELET_CERTIFICATE'
  | 20
  /**
   * The kubelet root directory sits on a read-only mount, or the kernel remounted a filesystem read-only.
   */
  | 'CHECK_ID_READONLY_FILESYSTEM'
  | 21
  /**
   * Hung tasks ("blocked for more than N seconds") or soft lockups in the kernel log.
   */
  | 'CHECK_ID_KERNEL_HANG'
  | 22
  /**
   * The boot id changed, or the node booted recently.
   */
  | 'CHECK_ID_BOOT_ID'
  | 23

/**
 * A check is one rule the agent evaluates on its samples; each check points at exactly one cause.
 */
export type CheckId__Output = typeof CheckId[keyof typeof CheckId]
