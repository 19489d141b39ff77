import { CAUSE_IDS, type CauseIdString } from '../../common/ids.js';
import { runbookPath } from './diagnosis.js';

/** One line per cause of the taxonomy (ListCauses, GET /api/v1/causes). A new cause id fails type-checking here. */
const TITLES: Readonly<Record<CauseIdString, string>> = {
  'kubelet-down': 'Kubelet not answering its health check',
  'container-runtime-down': 'Container runtime not answering (CRI)',
  'cni-not-ready': 'Pod network (CNI) not ready',
  'memory-pressure': 'Memory running out',
  'oom-kill': 'Processes killed for lack of memory',
  'disk-pressure': 'Disk space running out',
  'inode-exhaustion': 'Inodes running out',
  'io-saturation': 'Disk I/O saturated',
  'cpu-starvation': 'CPU starvation',
  'pid-exhaustion': 'PIDs or file descriptors running out',
  'conntrack-exhaustion': 'Conntrack table full',
  'conntrack-race': 'Conntrack insertion race (SNAT/DNAT)',
  'dns-failure': 'DNS queries failing',
  'dns-latency': 'DNS answers slow',
  'apiserver-unreachable': 'API server unreachable from the node',
  'certificate-expiry': 'Kubelet client certificate expiring',
  'clock-skew': "Node clock off from the collector's",
  'readonly-filesystem': 'Filesystem read-only',
  'kernel-hang': 'Kernel hung tasks or soft lockups',
  'node-reboot': 'Node rebooted',
  'node-unreachable': 'Agent silent: node unreachable',
};

export interface CauseInfoView {
  readonly id: CauseIdString;
  readonly title: string;
  readonly runbook: string;
}

/** The taxonomy in the proto's order. */
export function causeCatalog(): CauseInfoView[] {
  return CAUSE_IDS.map((id) => ({ id, title: TITLES[id], runbook: runbookPath(id) }));
}
