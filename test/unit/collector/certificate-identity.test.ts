import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { certificateNode } from '../../../collector/grpc/certificate-identity.js';

/** The fields of a verified peer certificate the collector reads (the rest does not matter here). */
function peer(subject: Record<string, unknown>, subjectaltname?: string): PeerCertificate {
  return { subject, subjectaltname } as unknown as PeerCertificate;
}

describe('certificateNode', () => {
  it.each([
    [peer({ CN: 'worker-1' }), 'worker-1'],
    [peer({ CN: 'system:node:ip-10-0-1-7.ec2.internal', O: 'system:nodes' }), 'ip-10-0-1-7.ec2.internal'],
    [peer({ CN: 'Worker One' }, 'DNS:worker-1, DNS:worker-1.example, IP Address:10.0.0.1'), 'worker-1'],
    [peer({}, 'IP Address:10.0.0.1, DNS:worker-2'), 'worker-2'],
    [peer({ CN: ['worker-3', 'other'] }), 'worker-3'],
  ])('%j → %s', (certificate, node) => {
    expect(certificateNode(certificate)).toBe(node);
  });

  it.each([
    [peer({ CN: 'Some Person' })],
    [peer({ CN: 'system:node:' })],
    [peer({ O: 'system:nodes' }, 'IP Address:10.0.0.1, email:a@b.c')],
    [peer({ CN: 'x'.repeat(254) }, 'DNS:Not_Valid')],
  ])('%j names no node', (certificate) => {
    expect(certificateNode(certificate)).toBeUndefined();
  });

  it('is undefined without a certificate', () => {
    expect(certificateNode(undefined)).toBeUndefined();
  });
});
