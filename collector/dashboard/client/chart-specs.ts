import type { FindingJson } from '../../../common/api/http-v1.js';
import type { CheckIdString } from '../../../common/ids.js';
import { bytes, milliseconds, percent } from './format.js';

/** A horizontal line drawn across a chart where a finding is raised. */
export interface Threshold {
  readonly value: number;
  readonly severity: 'warning' | 'critical';
  readonly label: string;
}

/** One chart of the node view: which vitals (timeline JSON keys) it plots and where its thresholds are. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly series: readonly { readonly key: string; readonly label: string }[];
  readonly format: (value: number) => string;
  /** Ratios are plotted on a fixed 0–1 scale so a glance compares nodes and charts. */
  readonly ratio: boolean;
  /** The agent's default thresholds (DESIGN.md); a current finding of `checks` adds its own. */
  readonly thresholds: readonly Threshold[];
  readonly checks: readonly CheckIdString[];
}

const MIB = 1024 * 1024;

/** The last hour of the vitals the on-call person asks about first, with the defaults of DESIGN.md. */
export const CHART_SPECS: readonly ChartSpec[] = [
  {
    id: 'cpu',
    title: 'CPU',
    series: [
      { key: 'cpuBusyRatio', label: 'busy' },
      { key: 'cpuPressureRatio', label: 'PSI some avg10' },
    ],
    format: percent,
    ratio: true,
    thresholds: [
      { value: 0.4, severity: 'warning', label: 'PSI 40%' },
      { value: 0.8, severity: 'critical', label: 'PSI 80%' },
    ],
    checks: ['cpu-psi'],
  },
  {
    id: 'memory',
    title: 'Memory available',
    series: [{ key: 'memoryAvailableBytes', label: 'available' }],
    format: bytes,
    ratio: false,
    // The kubelet's default hard-eviction threshold, memory.available < 100Mi.
    thresholds: [{ value: 100 * MIB, severity: 'critical', label: 'eviction 100 MiB' }],
    checks: ['memory-available'],
  },
  {
    id: 'disk',
    title: 'Disk used (fullest filesystem)',
    series: [
      { key: 'diskUsedRatio', label: 'space' },
      { key: 'inodesUsedRatio', label: 'inodes' },
    ],
    format: percent,
    ratio: true,
    thresholds: [
      { value: 0.85, severity: 'warning', label: 'image GC 85%' },
      { value: 0.9, severity: 'critical', label: 'nodefs eviction 90%' },
    ],
    checks: [],
  },
  {
    id: 'conntrack',
    title: 'Conntrack table',
    series: [{ key: 'conntrackUtilizationRatio', label: 'used' }],
    format: percent,
    ratio: true,
    thresholds: [
      { value: 0.75, severity: 'warning', label: '75%' },
      { value: 0.9, severity: 'critical', label: '90%' },
    ],
    checks: ['conntrack-utilization'],
  },
  {
    id: 'dns',
    title: 'DNS latency (p95, slowest server)',
    series: [{ key: 'dnsP95Seconds', label: 'p95' }],
    format: milliseconds,
    ratio: false,
    thresholds: [{ value: 0.25, severity: 'warning', label: '250 ms' }],
    checks: ['dns-latency'],
  },
];

/** The spec's thresholds plus those of current findings of its checks that differ (a configured agent). */
export function thresholdsOf(
  spec: ChartSpec,
  findings: readonly Pick<FindingJson, 'check' | 'threshold' | 'severity'>[],
): Threshold[] {
  const lines = [...spec.thresholds];
  for (const finding of findings) {
    const value = finding.threshold;
    if (!(spec.checks as readonly string[]).includes(finding.check) || value === null) continue;
    if (lines.some((line) => Math.abs(line.value - value) < 1e-9)) continue;
    lines.push({
      value,
      severity: finding.severity === 'critical' ? 'critical' : 'warning',
      label: `finding ${spec.format(value)}`,
    });
  }
  return lines;
}
