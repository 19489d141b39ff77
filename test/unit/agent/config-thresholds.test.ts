import { describe, expect, it } from 'vitest';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import {
  defaultThresholds,
  parseThresholds,
  THRESHOLD_KEYS,
  THRESHOLD_SPECS,
} from '../../../agent/config/thresholds.js';

const MIB = 2 ** 20;
const DAY = 86_400;

describe('threshold defaults', () => {
  it('are the numbers of the brief, in base units', () => {
    // DESIGN.md "Signals the agent samples"; the count thresholds and recent-boot are the agent's own.
    expect(defaultThresholds()).toEqual({
      'memory-available-bytes': 100 * MIB,
      'memory-psi-full-ratio': 0.1,
      'nodefs-available-ratio': 0.1,
      'imagefs-available-ratio': 0.15,
      'disk-used-warning-ratio': 0.85,
      'inodes-free-ratio': 0.05,
      'io-psi-full-ratio': 0.2,
      'disk-await-seconds': 0.1,
      'cpu-psi-some-warning-ratio': 0.4,
      'cpu-psi-some-critical-ratio': 0.8,
      'pids-warning-ratio': 0.7,
      'pids-critical-ratio': 0.9,
      'conntrack-warning-ratio': 0.75,
      'conntrack-critical-ratio': 0.9,
      'conntrack-full-ratio': 0.98,
      'dns-failure-ratio': 0.5,
      'dns-latency-seconds': 0.25,
      'kubelet-failures': 2,
      'runtime-failures': 2,
      'apiserver-failures': 2,
      'certificate-warning-seconds': 7 * DAY,
      'recent-boot-seconds': 600,
    });
  });

  it('each have a description, and --threshold help names every key', () => {
    const help = AGENT_FLAGS.find((flag) => flag.name === 'threshold')?.description ?? '';
    for (const key of THRESHOLD_KEYS) {
      expect(THRESHOLD_SPECS[key].description.length, key).toBeGreaterThan(10);
      expect(help, key).toContain(key);
    }
  });

  it('are fresh copies: changing one result does not leak into the next', () => {
    const first = defaultThresholds() as Record<string, number>;
    first['kubelet-failures'] = 99;
    expect(defaultThresholds()['kubelet-failures']).toBe(2);
  });
});

describe('parseThresholds', () => {
  it('keeps the last of two overrides of the same key', () => {
    expect(parseThresholds(['kubelet-failures=3', 'kubelet-failures=4'])['kubelet-failures']).toBe(4);
  });

  it('accepts the ratio bounds 0 and 1 (0% and 100%)', () => {
    expect(parseThresholds(['memory-psi-full-ratio=0'])['memory-psi-full-ratio']).toBe(0);
    expect(parseThresholds(['memory-psi-full-ratio=100%'])['memory-psi-full-ratio']).toBe(1);
  });

  it('takes Kubernetes byte quantities and durations with day units', () => {
    const thresholds = parseThresholds([
      'memory-available-bytes=1Gi',
      'certificate-warning-seconds=30d',
      'recent-boot-seconds=1h',
    ]);
    expect(thresholds['memory-available-bytes']).toBe(2 ** 30);
    expect(thresholds['certificate-warning-seconds']).toBe(30 * DAY);
    expect(thresholds['recent-boot-seconds']).toBe(3600);
  });
});
