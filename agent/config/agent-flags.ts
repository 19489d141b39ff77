import type { FlagSpec } from '../../common/cli/flag-spec.js';
import { THRESHOLD_KEYS } from './thresholds.js';

/** Defaults, named so that code, help and docs agree. */
export const DEFAULT_INTERVAL = '10s';
/** --once samples twice; without an explicit --interval, this far apart (rates need two points). */
export const DEFAULT_ONCE_GAP = '1s';
export const DEFAULT_METRICS_LISTEN = ':9101';
export const DEFAULT_KUBELET_HEALTHZ_URL = 'http://127.0.0.1:10248/healthz';
export const DEFAULT_KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
export const DEFAULT_KUBELET_CLIENT_CERT = '/var/lib/kubelet/pki/kubelet-client-current.pem';
/** nodefs is the kubelet root, imagefs the runtime's image store, rootfs the host's /. */
export const DEFAULT_DISK_PATHS = ['/var/lib/kubelet=nodefs', '/var/lib/containerd=imagefs', '/=rootfs'];
/** The kubelet's own default is 5 s for healthz; runtime and API server probes use the same. */
export const DEFAULT_PROBE_TIMEOUT = '5s';
/** A stub resolver retries after 5 s by default; any answer slower than 2 s is already an outage to clients. */
export const DEFAULT_DNS_TIMEOUT = '2s';
export const DEFAULT_DNS_WINDOW = '60s';
export const DEFAULT_EVENT_HOLD = '5m';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** Absent endpoints are looked for again this often (see AbsentRecheck). */
export const DEFAULT_REDISCOVER_INTERVAL = '30s';
/** About two days of reports at the default interval, at a few KiB each. */
export const DEFAULT_SPOOL_MAX_BYTES = '64Mi';

export const AGENT_FLAGS: readonly FlagSpec[] = [
  { name: 'help', type: 'boolean', env: false, description: 'Print this help and exit.' },
  { name: 'version', type: 'boolean', env: false, description: 'Print the version and exit.' },
  {
    name: 'once',
    type: 'boolean',
    description: 'Sample twice (rates need two points), print the result and exit 0 whatever was found.',
  },
  { name: 'json', type: 'boolean', description: 'With --once: print one JSON document instead of a table.' },
  {
    name: 'interval',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: `${DEFAULT_INTERVAL} (${DEFAULT_ONCE_GAP} with --once)`,
    description: 'Time between samples, e.g. 500ms, 10s.',
  },
  {
    name: 'host-root',
    type: 'string',
    placeholder: 'PATH',
    defaultText: '/',
    description:
      'Where the host filesystem is mounted: procfs, sysfs, /dev/kmsg and host paths are read under it.',
  },
  {
    name: 'node-name',
    type: 'string',
    placeholder: 'NAME',
    defaultText: '$NODE_NAME, then the hostname',
    description: 'Name this node reports as.',
  },
  {
    name: 'disk-path',
    type: 'string',
    repeatable: true,
    placeholder: 'PATH[=nodefs|imagefs|rootfs]',
    defaultText: DEFAULT_DISK_PATHS.join(','),
    description: 'Filesystem to watch for space, inodes and read-only mounts; the role picks the thresholds.',
  },
  {
    name: 'kubelet-config',
    type: 'string',
    placeholder: 'PATH',
    defaultText: DEFAULT_KUBELET_CONFIG,
    description:
      'KubeletConfiguration file (under --host-root) to find clusterDNS, clusterDomain and resolvConf.',
  },
  {
    name: 'dns-server',
    type: 'string',
    repeatable: true,
    placeholder: 'IP[:PORT]',
    defaultText: 'clusterDNS from --kubelet-config',
    description: 'Cluster DNS server to probe. With none given or found, DNS probing reports absent.',
  },
  {
    name: 'dns-name',
    type: 'string',
    repeatable: true,
    placeholder: 'NAME',
    description: 'Extra name that must resolve (e.g. an external name); probed on every server.',
  },
  {
    name: 'dns-probe-upstream',
    type: 'boolean',
    description: "Also probe the node's own resolvers (nameservers of the kubelet's resolvConf).",
  },
  {
    name: 'cluster-domain',
    type: 'string',
    placeholder: 'DOMAIN',
    defaultText: `clusterDomain from --kubelet-config, else ${DEFAULT_CLUSTER_DOMAIN}`,
    description: 'Cluster domain for the kubernetes.default.svc probe name.',
  },
  {
    name: 'dns-timeout',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_DNS_TIMEOUT,
    description: 'A DNS probe with no answer after this is a timeout.',
  },
  {
    name: 'dns-window',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_DNS_WINDOW,
    description: 'Failure ratio and latency percentiles are computed over probes this recent.',
  },
  {
    name: 'kubelet-healthz-url',
    type: 'string',
    placeholder: 'URL',
    defaultText: DEFAULT_KUBELET_HEALTHZ_URL,
    description:
      'Kubelet health endpoint. If not given and nothing ever answered there, the check is absent.',
  },
  {
    name: 'cri-socket',
    type: 'string',
    placeholder: 'PATH',
    defaultText: 'the first of the containerd, CRI-O and cri-dockerd sockets that exists',
    description: 'Container runtime CRI socket (under --host-root), probed with RuntimeService/Status.',
  },
  {
    name: 'apiserver-url',
    type: 'string',
    placeholder: 'URL',
    defaultText: 'https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT',
    description: 'API server to probe with TLS connect and GET /readyz; absent outside a cluster.',
  },
  {
    name: 'kubelet-client-cert',
    type: 'string',
    placeholder: 'PATH',
    defaultText: DEFAULT_KUBELET_CLIENT_CERT,
    description: 'Kubelet client certificate (under --host-root) whose notAfter is watched.',
  },
  {
    name: 'probe-timeout',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_PROBE_TIMEOUT,
    description: 'Timeout of the kubelet, container runtime and API server probes.',
  },
  {
    name: 'rediscover-interval',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_REDISCOVER_INTERVAL,
    description: 'How often a kubelet, runtime socket or DNS target found absent is looked for again.',
  },
  {
    name: 'event-hold',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_EVENT_HOLD,
    description:
      'Kernel-log events (OOM kills, hung tasks) stay active findings this long; also the look-back at start.',
  },
  {
    name: 'collector',
    type: 'string',
    placeholder: 'HOST:PORT',
    description:
      'Collector to stream reports to (gRPC) in continuous mode; reports are spooled until it acknowledges them. Unset: the agent only logs and serves metrics.',
  },
  {
    name: 'spool-dir',
    type: 'string',
    placeholder: 'DIR',
    description:
      'Directory for state that must survive restarts: the last boot id and the spool of reports the collector has not acknowledged. Unset: the spool is in memory and dies with the process.',
  },
  {
    name: 'spool-max-bytes',
    type: 'string',
    placeholder: 'SIZE',
    defaultText: DEFAULT_SPOOL_MAX_BYTES,
    description:
      'Cap of the spool (on disk or in memory); over it the oldest unacknowledged reports are dropped.',
  },
  {
    name: 'tls-cert',
    type: 'string',
    placeholder: 'PATH',
    description:
      'Client certificate (PEM) for mTLS to the collector, which takes the node identity from it; with --tls-key and --tls-ca.',
  },
  {
    name: 'tls-key',
    type: 'string',
    placeholder: 'PATH',
    description: 'Private key (PEM) of --tls-cert.',
  },
  {
    name: 'tls-ca',
    type: 'string',
    placeholder: 'PATH',
    description: "CA bundle (PEM) that signed the collector's certificate.",
  },
  {
    name: 'metrics-listen',
    type: 'string',
    placeholder: 'HOST:PORT',
    defaultText: DEFAULT_METRICS_LISTEN,
    description: 'Where continuous mode serves /metrics and /healthz.',
  },
  {
    name: 'log-level',
    type: 'string',
    placeholder: 'LEVEL',
    defaultText: 'info',
    description: 'One of fatal, error, warn, info, debug, trace.',
  },
  {
    name: 'threshold',
    type: 'string',
    repeatable: true,
    placeholder: 'KEY=VALUE',
    description: `Override a threshold; keys: ${THRESHOLD_KEYS.join(', ')}.`,
  },
];
