import type { FlagSpec } from '../common/cli/flag-spec.js';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE } from './kube-service-proxy.js';

export const DEFAULT_COLLECTOR_URL = 'http://localhost:8080';
/** A collector that has not answered in this long is not going to; the person paged wants to know now. */
export const DEFAULT_TIMEOUT = '10s';
export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const CLI_FLAGS: readonly FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', env: false, description: 'Print this help and exit.' },
  { name: 'version', type: 'boolean', env: false, description: 'Print the version and exit.' },
  {
    name: 'collector',
    type: 'string',
    placeholder: 'URL',
    defaultText: DEFAULT_COLLECTOR_URL,
    description:
      "The collector's HTTP address. Without it, kubectl-nodedoc (and nodedoc given --namespace, --service, --context or --kubeconfig) reaches the collector through the API server's service proxy with the kubeconfig's credentials; plain nodedoc uses the default.",
  },
  {
    name: 'namespace',
    short: 'n',
    type: 'string',
    placeholder: 'NAMESPACE',
    defaultText: DEFAULT_NAMESPACE,
    description: "Service proxy: the collector's namespace.",
  },
  {
    name: 'service',
    type: 'string',
    placeholder: 'NAME',
    defaultText: DEFAULT_SERVICE,
    description: "Service proxy: the collector's Service (its port named http).",
  },
  {
    name: 'context',
    type: 'string',
    placeholder: 'NAME',
    env: false,
    description: 'Service proxy: the kubeconfig context to use (default: the current one).',
  },
  {
    name: 'kubeconfig',
    type: 'string',
    placeholder: 'PATH',
    env: false,
    description: 'Service proxy: the kubeconfig file (default: KUBECONFIG, then ~/.kube/config).',
  },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    placeholder: 'table|json',
    defaultText: 'table',
    env: false,
    description: 'table for people (colour only on a terminal, never with NO_COLOR), json for scripts.',
  },
  {
    name: 'timeout',
    type: 'string',
    placeholder: 'DURATION',
    defaultText: DEFAULT_TIMEOUT,
    description: 'Give up on the collector after this long.',
  },
  {
    name: 'since',
    type: 'string',
    placeholder: 'DURATION|TIME',
    defaultText: '1h',
    env: false,
    description: 'timeline: how far back (a duration like 30m, or an RFC 3339 time).',
  },
];
