import type { FlagSpec } from '../../common/cli/flag-spec.js';

/** Defaults, named so that code, help and docs agree. */
export const DEFAULT_GRPC_LISTEN = ':50051';
export const DEFAULT_HTTP_LISTEN = ':8080';
export const DEFAULT_DATA_DIR = './data';
/** A day of timelines: enough to look back over a night's page; the store prunes anything older. */
export const DEFAULT_RETENTION = '24h';
export const DEFAULT_LOG_LEVEL = 'info';
/** Diagnosis defaults as flag text; the reasons are with the constants in collector/diagnosis/. */
export const DEFAULT_FLEET_SHARE_TEXT = '0.5';
export const DEFAULT_FLEET_MIN_NODES_TEXT = '3';
export const DEFAULT_EVENT_WINDOW = '15m';
export const DEFAULT_CLOCK_SKEW_WARNING = '1s';
export const DEFAULT_CLOCK_SKEW_CRITICAL = '30s';
export const DEFAULT_KUBERNETES = 'auto';
/**
 * Prometheus' own --rules.alert.resend-delay default: firing alerts are re-sent this often, which is what keeps
 * them alive in Alertmanager (each carries endsAt = now + a few resend intervals) and re-delivers them to an
 * Alertmanager that restarted and lost its state. Shorter buys nothing, as Alertmanager's group_interval (5m by
 * default) decides when people hear again; much longer delays recovery after an Alertmanager restart.
 */
export const DEFAULT_ALERTMANAGER_RESEND_INTERVAL = '1m';

export const COLLECTOR_FLAGS: readonly FlagSpec[] = [
  { name: 'help', type: 'boolean', env: false, description: 'Print this help and exit.' },
  { name: 'version', type: 'boolean', env: false, description: 'Print the version and exit.' },
  {
    name: 'grpc-listen',
    type: 'string',
    placeholder: 'HOST:PORT',
    defaultText: DEFAULT_GRPC_LISTEN,
    description: 'Where agents stream their reports and clients query (gRPC, with health and reflection).',
  },
  {
    name: 'http-listen',
    type: 'string',
    placeholder: 'HOST:PORT',
    defaultText: DEFAULT_HTTP_LISTEN,
    description: 'Where the HTTP/JSON API, /metrics, /healthz and /readyz are served.',
  },
  {
    name: 'data-dir',
    type: 'string',
    placeholder: 'DIR',
    defaultText: DEFAULT_DATA_DIR,
    description: 'Directory of the embedded store (created if missing); it survives restarts.',
  },
  {
    name: 'retention',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_RETENTION,
    description: 'Timeline entries older than this are pruned, and nodes silent for longer are forgotten.',
  },
  {
    name: 'external-url',
    type: 'string',
    placeholder: 'URL',
    defaultText: 'http://HOSTNAME:HTTP-PORT',
    description:
      "The URL people reach the collector's HTTP server at (an Ingress, a port-forward): runbook links in Kubernetes Events and Alertmanager alerts are built from it.",
  },
  {
    name: 'alertmanager-url',
    type: 'string',
    repeatable: true,
    placeholder: 'URL',
    description:
      'Alertmanager to push every active cause to (its v2 API under this base URL); give it once per member of an HA cluster: each gets every alert.',
  },
  {
    name: 'alertmanager-resend-interval',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_ALERTMANAGER_RESEND_INTERVAL,
    description:
      'How often firing alerts are re-sent to Alertmanager; an alert not re-sent expires after 4 of these (as Prometheus does), so a dead collector leaves no stale alerts.',
  },
  {
    name: 'tls-cert',
    type: 'string',
    placeholder: 'PATH',
    description: 'Server certificate (PEM) for gRPC mTLS; --tls-cert, --tls-key and --tls-ca go together.',
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
    description:
      "CA bundle (PEM) that agents' client certificates must chain to; a node's name is then taken from its certificate (CN, else the first DNS SAN).",
  },
  {
    name: 'fleet-share',
    type: 'string',
    placeholder: 'RATIO',
    defaultText: DEFAULT_FLEET_SHARE_TEXT,
    description:
      'A DNS, API-server, CNI, conntrack or clock symptom on at least this share (0-1] of reachable nodes is reported as one fleet cause, not blamed on each node.',
  },
  {
    name: 'fleet-min-nodes',
    type: 'string',
    placeholder: 'N',
    defaultText: DEFAULT_FLEET_MIN_NODES_TEXT,
    description: 'A fleet cause also needs at least this many affected nodes.',
  },
  {
    name: 'event-window',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_EVENT_WINDOW,
    description:
      'How long one-off events (OOM kill, reboot, hung task) stay in a diagnosis after they were last reported.',
  },
  {
    name: 'clock-skew-warning',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_CLOCK_SKEW_WARNING,
    description:
      "An agent clock this far from the collector's (beyond half the round trip) raises clock-skew as a warning.",
  },
  {
    name: 'clock-skew-critical',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_CLOCK_SKEW_CRITICAL,
    description: 'From this offset clock-skew is critical (TLS, tokens and leases start to fail).',
  },
  {
    name: 'kubernetes',
    type: 'string',
    placeholder: 'auto|off',
    defaultText: DEFAULT_KUBERNETES,
    description:
      'auto: watch Nodes and post Events when a cluster is found (--kubeconfig, then KUBECONFIG, then the in-cluster service account), else run without one; off: never talk to a cluster.',
  },
  {
    name: 'kubeconfig',
    type: 'string',
    placeholder: 'PATH',
    description:
      'Kubeconfig of the cluster to watch (its current context); a file that cannot be used is a usage error.',
  },
  {
    name: 'log-level',
    type: 'string',
    placeholder: 'LEVEL',
    defaultText: DEFAULT_LOG_LEVEL,
    description: 'One of fatal, error, warn, info, debug, trace.',
  },
];
