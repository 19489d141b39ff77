import { describe, expect, it } from 'vitest';
import { CHECK_CAUSE } from '../../../common/check-causes.js';
import {
  CAUSE_IDS,
  type CauseIdString,
  CHECK_IDS,
  causeFromProto,
  causeToProto,
  checkFromProto,
  checkToProto,
  isCauseId,
  SEVERITIES,
  severityFromProto,
  severityRank,
  severityToProto,
} from '../../../common/ids.js';
import { CauseId } from '../../../proto/gen/nodedoc/v1/CauseId.js';
import { CheckId } from '../../../proto/gen/nodedoc/v1/CheckId.js';

/** The cause taxonomy exactly as the product brief lists it (DESIGN.md "Causes"), in proto order. */
const BRIEF_CAUSES = [
  'kubelet-down',
  'container-runtime-down',
  'cni-not-ready',
  'memory-pressure',
  'oom-kill',
  'disk-pressure',
  'inode-exhaustion',
  'io-saturation',
  'cpu-starvation',
  'pid-exhaustion',
  'conntrack-exhaustion',
  'conntrack-race',
  'dns-failure',
  'dns-latency',
  'apiserver-unreachable',
  'certificate-expiry',
  'clock-skew',
  'readonly-filesystem',
  'kernel-hang',
  'node-reboot',
  'node-unreachable',
];

describe('cause ids', () => {
  it('are exactly the 21 causes of the brief, in proto order', () => {
    expect(CAUSE_IDS).toEqual(BRIEF_CAUSES);
    expect(CAUSE_IDS).toHaveLength(21);
  });

  it('round-trip through the proto enum value names', () => {
    for (const id of CAUSE_IDS) {
      const protoName = causeToProto(id);
      expect(Object.hasOwn(CauseId, protoName), protoName).toBe(true);
      expect(
        protoName
          .replace(/^CAUSE_ID_/, '')
          .toLowerCase()
          .replaceAll('_', '-'),
      ).toBe(id);
    }
    expect(causeToProto('memory-pressure')).toBe('CAUSE_ID_MEMORY_PRESSURE');
  });

  it('leave out UNSPECIFIED, and isCauseId knows them', () => {
    expect(CAUSE_IDS).not.toContain('unspecified');
    expect(isCauseId('dns-latency')).toBe(true);
    expect(isCauseId('unspecified')).toBe(false);
    expect(isCauseId('DNS-LATENCY')).toBe(false);
  });
});

describe('check ids', () => {
  it('round-trip through the proto enum and each points at a known cause', () => {
    expect(CHECK_IDS).toHaveLength(Object.keys(CheckId).length - 1);
    for (const id of CHECK_IDS) {
      expect(Object.hasOwn(CheckId, checkToProto(id)), id).toBe(true);
      expect(isCauseId(CHECK_CAUSE[id]), id).toBe(true);
    }
    expect(Object.keys(CHECK_CAUSE).sort()).toEqual([...CHECK_IDS].sort());
  });

  it('map the symptoms of the brief to its causes', () => {
    const expected: Record<string, CauseIdString> = {
      'memory-available': 'memory-pressure',
      'memory-psi': 'memory-pressure',
      'pid-headroom': 'pid-exhaustion',
      'fd-headroom': 'pid-exhaustion',
      'disk-space': 'disk-pressure',
      'disk-inodes': 'inode-exhaustion',
      'io-psi': 'io-saturation',
      'disk-await': 'io-saturation',
      'cpu-psi': 'cpu-starvation',
      'kubelet-health': 'kubelet-down',
      'kubelet-certificate': 'certificate-expiry',
      'boot-id': 'node-reboot',
    };
    for (const [check, cause] of Object.entries(expected)) {
      expect(CHECK_CAUSE[check as keyof typeof CHECK_CAUSE], check).toBe(cause);
    }
  });
});

describe('severities', () => {
  it('rank info < warning < critical', () => {
    expect(SEVERITIES).toEqual(['info', 'warning', 'critical']);
    expect(severityRank('info')).toBeLessThan(severityRank('warning'));
    expect(severityRank('warning')).toBeLessThan(severityRank('critical'));
  });
});

describe('wire conversions', () => {
  it('turn every id into its proto enum name and back', () => {
    for (const id of CAUSE_IDS) expect(causeFromProto(causeToProto(id))).toBe(id);
    for (const id of CHECK_IDS) expect(checkFromProto(checkToProto(id))).toBe(id);
    for (const severity of SEVERITIES) expect(severityFromProto(severityToProto(severity))).toBe(severity);
    expect(severityToProto('warning')).toBe('SEVERITY_WARNING');
    expect(causeFromProto('CAUSE_ID_CONNTRACK_RACE')).toBe('conntrack-race');
  });
});
