import { describe, expect, it } from 'vitest';
import { identityChecks } from '../../../agent/checks/identity.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { ok, unavailable } from '../../../agent/reading.js';
import type { IdentitySample } from '../../../agent/sample-types.js';
import { samplesWith } from '../../harness/samples.js';

const t = defaultThresholds();
const BOOT_A = '8646e5bc-c728-4b4b-a43c-2dd1ac8e5ef7';
const BOOT_B = '0f6c1d2e-3a4b-4c5d-8e9f-a0b1c2d3e4f5';

const identity = (fields: Partial<IdentitySample>) =>
  samplesWith({
    identity: ok({
      bootId: BOOT_A,
      uptimeSeconds: 86_400,
      previousBootId: null,
      bootIdChanged: false,
      ...fields,
    }),
  });

describe('identityChecks', () => {
  it('warns node-reboot when the boot id changed, naming both ids', () => {
    const findings = identityChecks(
      identity({ previousBootId: BOOT_B, bootIdChanged: true, uptimeSeconds: 90 }),
      t,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'boot-id',
        cause: 'node-reboot',
        severity: 'warning',
        value: 90,
        threshold: null,
      }),
    ]);
    expect(findings[0]?.summary).toContain(`from ${BOOT_B} to ${BOOT_A}, up for 1m30s`);
  });

  it('with no earlier boot id on record, reports a boot less than 10 minutes ago as info', () => {
    expect(identityChecks(identity({ uptimeSeconds: 599 }), t)).toEqual([
      expect.objectContaining({ check: 'boot-id', severity: 'info', value: 599, threshold: 600 }),
    ]);
    expect(identityChecks(identity({ uptimeSeconds: 600 }), t)).toEqual([]);
  });

  it('is silent on a young node whose boot id is known and unchanged (the agent restarted)', () => {
    expect(identityChecks(identity({ previousBootId: BOOT_A, uptimeSeconds: 10 }), t)).toEqual([]);
  });

  it('is silent when the boot id could not be read', () => {
    expect(
      identityChecks(
        samplesWith({ identity: unavailable('/proc/sys/kernel/random/boot_id: not a UUID') }),
        t,
      ),
    ).toEqual([]);
  });
});
