/**
 * Every threshold a check compares against, with the brief's defaults. Each is overridable with
 * `--threshold KEY=VALUE` (repeatable) or NODEDOC_THRESHOLD="KEY=VALUE,KEY=VALUE".
 *
 * Values are stored in base units: bytes, seconds, ratios in 0–1, counts.
 */
import { parseBytes } from '../../common/bytes.js';
import { UsageError } from '../../common/cli/usage-error.js';
import { parseDuration } from '../../common/duration.js';

type Kind = 'ratio' | 'bytes' | 'seconds' | 'count';

interface ThresholdSpec {
  readonly kind: Kind;
  readonly default: number;
  readonly description: string;
}

const DAY_SECONDS = 86_400;
const MIB = 2 ** 20;

export const THRESHOLD_SPECS = {
  'memory-available-bytes': {
    kind: 'bytes',
    default: 100 * MIB,
    description: 'MemAvailable below this is memory-pressure (the kubelet hard-eviction default).',
  },
  'memory-psi-full-ratio': {
    kind: 'ratio',
    default: 0.1,
    description:
      'PSI memory "full" at or above this, over the agent\'s last interval or avg10 (the higher), is memory-pressure.',
  },
  'nodefs-available-ratio': {
    kind: 'ratio',
    default: 0.1,
    description: 'Free space on a nodefs path below this is disk-pressure (kubelet nodefs.available).',
  },
  'imagefs-available-ratio': {
    kind: 'ratio',
    default: 0.15,
    description: 'Free space on an imagefs path below this is disk-pressure (kubelet imagefs.available).',
  },
  'disk-used-warning-ratio': {
    kind: 'ratio',
    default: 0.85,
    description: 'Used space above this is a disk-pressure warning (image GC high threshold).',
  },
  'inodes-free-ratio': {
    kind: 'ratio',
    default: 0.05,
    description: 'Free inodes below this are inode-exhaustion (kubelet nodefs.inodesFree).',
  },
  'io-psi-full-ratio': {
    kind: 'ratio',
    default: 0.2,
    description:
      'PSI io "full" at or above this, over the agent\'s last interval or avg10 (the higher), is io-saturation.',
  },
  'disk-await-seconds': {
    kind: 'seconds',
    default: 0.1,
    description: 'Mean block request time (diskstats await) above this is io-saturation.',
  },
  'cpu-psi-some-warning-ratio': {
    kind: 'ratio',
    default: 0.4,
    description:
      'PSI cpu "some" at or above this, over the agent\'s last interval or avg10 (the higher), is a cpu-starvation warning.',
  },
  'cpu-psi-some-critical-ratio': {
    kind: 'ratio',
    default: 0.8,
    description:
      'PSI cpu "some" at or above this, over the agent\'s last interval or avg10 (the higher), is critical cpu-starvation.',
  },
  'pids-warning-ratio': {
    kind: 'ratio',
    default: 0.7,
    description:
      'Threads or file handles in use at or above this share of the limit: pid-exhaustion warning.',
  },
  'pids-critical-ratio': {
    kind: 'ratio',
    default: 0.9,
    description: 'Threads or file handles in use at or above this share of the limit: critical.',
  },
  'conntrack-warning-ratio': {
    kind: 'ratio',
    default: 0.75,
    description: 'nf_conntrack_count / nf_conntrack_max at or above this is a conntrack-exhaustion warning.',
  },
  'conntrack-critical-ratio': {
    kind: 'ratio',
    default: 0.9,
    description: 'nf_conntrack_count / nf_conntrack_max at or above this is critical conntrack-exhaustion.',
  },
  'conntrack-full-ratio': {
    kind: 'ratio',
    default: 0.98,
    description:
      'Drops while the table is at least this full are blamed on exhaustion, below it on the race.',
  },
  'dns-failure-ratio': {
    kind: 'ratio',
    default: 0.5,
    description: 'Share of recent probes to one DNS server failing at or above this is dns-failure.',
  },
  'dns-latency-seconds': {
    kind: 'seconds',
    default: 0.25,
    description:
      'DNS probe p95 above this (or any timeout tail) is dns-latency; slower answers count as late.',
  },
  'kubelet-failures': {
    kind: 'count',
    default: 2,
    description:
      'Consecutive failed kubelet healthz probes before kubelet-down; a failed probe is retried once within the cycle, so 2 is reached in one cycle.',
  },
  'runtime-failures': {
    kind: 'count',
    default: 2,
    description:
      'Consecutive failed CRI Status calls before container-runtime-down (a failed call is retried once within the cycle).',
  },
  'apiserver-failures': {
    kind: 'count',
    default: 2,
    description:
      'Consecutive failed API server probes before apiserver-unreachable (a failed probe is retried once within the cycle).',
  },
  'certificate-warning-seconds': {
    kind: 'seconds',
    default: 7 * DAY_SECONDS,
    description: 'Kubelet client certificate expiring within this is a certificate-expiry warning.',
  },
  'recent-boot-seconds': {
    kind: 'seconds',
    default: 600,
    description: 'With no record of the previous boot id, an uptime below this reports node-reboot.',
  },
} as const satisfies Record<string, ThresholdSpec>;

export type ThresholdKey = keyof typeof THRESHOLD_SPECS;
export type Thresholds = Readonly<Record<ThresholdKey, number>>;

export const THRESHOLD_KEYS = Object.keys(THRESHOLD_SPECS) as ThresholdKey[];

export function defaultThresholds(): Thresholds {
  return Object.fromEntries(THRESHOLD_KEYS.map((key) => [key, THRESHOLD_SPECS[key].default])) as Thresholds;
}

function isThresholdKey(key: string): key is ThresholdKey {
  return Object.hasOwn(THRESHOLD_SPECS, key);
}

/** Parses a value by kind: ratios accept "0.1" or "10%", bytes "100Mi", seconds "250ms" or "7d" style durations. */
function parseValue(kind: Kind, text: string): number | undefined {
  switch (kind) {
    case 'ratio': {
      const percent = text.endsWith('%');
      const digits = percent ? text.slice(0, -1) : text;
      // Number('') is 0: an empty value (or a lone "%") must not silently become a zero threshold.
      const value = Number(digits);
      const ratio = percent ? value / 100 : value;
      return digits !== '' && Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : undefined;
    }
    case 'bytes':
      return parseBytes(text);
    case 'seconds': {
      const days = /^(\d+)d$/.exec(text);
      if (days) return Number(days[1]) * DAY_SECONDS;
      const ms = parseDuration(text);
      return ms === undefined ? undefined : ms / 1000;
    }
    case 'count': {
      const value = Number(text);
      return Number.isInteger(value) && value >= 1 ? value : undefined;
    }
  }
}

const KIND_HINT: Readonly<Record<Kind, string>> = {
  ratio: 'a ratio like 0.1 or 10%',
  bytes: 'a size like 100Mi',
  seconds: 'a duration like 250ms or 7d',
  count: 'a whole number of at least 1',
};

/** Applies "KEY=VALUE" overrides to the defaults; a bad key or value is a UsageError naming the choices. */
export function parseThresholds(overrides: readonly string[]): Thresholds {
  const result: Record<ThresholdKey, number> = { ...defaultThresholds() };
  for (const override of overrides) {
    const eq = override.indexOf('=');
    const key = eq < 0 ? override : override.slice(0, eq);
    if (eq < 0) throw new UsageError(`--threshold ${override}: expected KEY=VALUE`);
    if (!isThresholdKey(key)) {
      throw new UsageError(
        `--threshold ${override}: unknown key '${key}' (known: ${THRESHOLD_KEYS.join(', ')})`,
      );
    }
    const spec = THRESHOLD_SPECS[key];
    const value = parseValue(spec.kind, override.slice(eq + 1).trim());
    if (value === undefined)
      throw new UsageError(`--threshold ${override}: expected ${KIND_HINT[spec.kind]}`);
    result[key] = value;
  }
  return result;
}
