import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { agentOnce, findingsFor, onlyFinding } from '../harness/agent-process.js';
import { selfSignedCertificate } from '../harness/certificates.js';
import { APISERVER_UNAUTHORIZED, type FakeEndpoint, startFakeEndpoint } from '../harness/http-endpoint.js';
import { requires } from '../harness/system-requirements.js';

/**
 * API server reachability against a real local HTTPS server (certificate made by openssl at test time)
 * answering /readyz the way an API server with anonymous auth disabled does: 401.
 */

const PROBE_TIMEOUT = '1s';
/** Default of the check under test (agent/config/thresholds.ts). */
const APISERVER_FAILURES = 2;

function apiserverOf(report: AgentReport) {
  return report.samples.apiserver;
}

describe.skipIf(requires({ commands: ['openssl'] }))('API server reachability', () => {
  let server: FakeEndpoint;
  beforeAll(async () => {
    const certificate = await selfSignedCertificate({
      days: 1,
      subject: '/CN=kube-apiserver',
      subjectAltName: 'IP:127.0.0.1',
    });
    server = await startFakeEndpoint(APISERVER_UNAUTHORIZED, {
      tls: { key: certificate.keyPem, cert: certificate.certPem },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const args = () => ['--apiserver-url', server.origin, '--probe-timeout', PROBE_TIMEOUT];

  it('a TLS server answering /readyz with 401 is reachable: ok with httpStatus 401', async () => {
    const report = await agentOnce(args());
    const reading = apiserverOf(report);
    expect(reading).toMatchObject({
      status: 'ok',
      url: `${server.origin}/readyz`,
      httpStatus: 401,
      consecutiveFailures: 0,
    });
    expect(reading.status === 'ok' && reading.latencySeconds).toBeGreaterThan(0);
    expect(server.requests).toEqual(['/readyz', '/readyz']);
    // It really spoke TLS, and both probes went over one kept-alive connection: a single handshake.
    expect(server.tlsHandshakes).toBe(1);
    expect(findingsFor(report, 'apiserver-unreachable')).toEqual([]);
  });

  it('once the server is gone it is down with ECONNREFUSED, and apiserver-unreachable after two failures', async () => {
    await server.close();
    const report = await agentOnce(args());
    const reading = apiserverOf(report);
    expect(reading).toMatchObject({
      status: 'down',
      url: `${server.origin}/readyz`,
      httpStatus: null,
      // --once samples twice, and each cycle's refused probe is asked again on a fresh connection.
      consecutiveFailures: 2 * APISERVER_FAILURES,
      retried: true,
    });
    expect(reading.status === 'down' && reading.reason).toContain('ECONNREFUSED');
    const finding = onlyFinding(report, 'apiserver-unreachable');
    expect(finding).toMatchObject({
      check: 'apiserver-reachability',
      severity: 'critical',
      value: 2 * APISERVER_FAILURES,
      threshold: APISERVER_FAILURES,
    });
    expect(finding.summary).toContain(server.origin);
  });

  it('without --apiserver-url and outside a cluster it is absent', async () => {
    const env = { KUBERNETES_SERVICE_HOST: '', KUBERNETES_SERVICE_PORT: '' };
    const report = await agentOnce([], { env });
    expect(apiserverOf(report).status).toBe('absent');
    expect(findingsFor(report, 'apiserver-unreachable')).toEqual([]);
  });
});
