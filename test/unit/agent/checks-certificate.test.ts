import { describe, expect, it } from 'vitest';
import { certificateChecks } from '../../../agent/checks/certificate.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { absent, ok } from '../../../agent/reading.js';
import { samplesWith } from '../../harness/samples.js';

const DAY = 86_400;
const t = defaultThresholds();
const PATH = '/var/lib/kubelet/pki/kubelet-client-current.pem';

const certificate = (expiresInSeconds: number) =>
  samplesWith({
    certificate: ok({
      path: PATH,
      subject: 'O=system:nodes, CN=system:node:node-1',
      notAfter: '2030-01-01T00:00:00.000Z',
      expiresInSeconds,
    }),
  });

describe('certificateChecks', () => {
  it('is silent with exactly 7 days left', () => {
    expect(certificateChecks(certificate(7 * DAY), t)).toEqual([]);
  });

  it('warns certificate-expiry one second inside the 7-day window', () => {
    const findings = certificateChecks(certificate(7 * DAY - 1), t);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'kubelet-certificate',
        cause: 'certificate-expiry',
        severity: 'warning',
        value: 7 * DAY - 1,
        threshold: 7 * DAY,
      }),
    ]);
    expect(findings[0]?.summary).toContain(`${PATH} expires in 167h59m59s`);
  });

  it('still only warns with one second left', () => {
    expect(certificateChecks(certificate(1), t)[0]).toMatchObject({ severity: 'warning' });
  });

  it('is critical at the moment of expiry and after it, against 0', () => {
    for (const left of [0, -3600]) {
      expect(certificateChecks(certificate(left), t)).toEqual([
        expect.objectContaining({ severity: 'critical', value: left, threshold: 0 }),
      ]);
    }
  });

  it('is silent when there is no certificate', () => {
    expect(
      certificateChecks(samplesWith({ certificate: absent('no kubelet client certificate') }), t),
    ).toEqual([]);
  });
});
