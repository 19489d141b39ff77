import type { FlagSpec } from '../common/cli/flag-spec.js';

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
    description: "The collector's HTTP address.",
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
