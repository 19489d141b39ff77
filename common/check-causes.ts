import type { CauseIdString, CheckIdString } from './ids.js';

/**
 * Which cause each check is evidence for. The collector may re-rank and relate causes; the agent only
 * says what the symptom points at. A `satisfies` over the full record makes a new check id a compile
 * error until it is mapped here.
 */
export const CHECK_CAUSE = {
  'memory-available': 'memory-pressure',
  'memory-psi': 'memory-pressure',
  'oom-kill': 'oom-kill',
  'disk-space': 'disk-pressure',
  'disk-inodes': 'inode-exhaustion',
  'io-psi': 'io-saturation',
  'disk-await': 'io-saturation',
  'cpu-psi': 'cpu-starvation',
  'pid-headroom': 'pid-exhaustion',
  'fd-headroom': 'pid-exhaustion',
  'conntrack-utilization': 'conntrack-exhaustion',
  'conntrack-drops': 'conntrack-exhaustion',
  'conntrack-race': 'conntrack-race',
  'dns-errors': 'dns-failure',
  'dns-latency': 'dns-latency',
  'kubelet-health': 'kubelet-down',
  'runtime-status': 'container-runtime-down',
  'runtime-network': 'cni-not-ready',
  'apiserver-reachability': 'apiserver-unreachable',
  'kubelet-certificate': 'certificate-expiry',
  'readonly-filesystem': 'readonly-filesystem',
  'kernel-hang': 'kernel-hang',
  'boot-id': 'node-reboot',
} as const satisfies Record<CheckIdString, CauseIdString>;
