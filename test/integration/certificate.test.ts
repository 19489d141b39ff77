import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { findingsFor, onlyFinding, runAgent } from '../harness/agent-process.js';
import { backdatedCertificate, type Certificate, selfSignedCertificate } from '../harness/certificates.js';
import { requires } from '../harness/system-requirements.js';

/**
 * The kubelet client certificate check against certificates made by the real openssl at test time, placed
 * in a fixture host root where the kubelet keeps it: var/lib/kubelet/pki/kubelet-client-current.pem, the
 * certificate followed by its private key (what the kubelet's certificate manager writes).
 */

const CERT_PATH = '/var/lib/kubelet/pki/kubelet-client-current.pem';
const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;
/** Default of the check under test (agent/config/thresholds.ts). */
const WARNING_SECONDS = 7 * DAY_SECONDS;
const SUBJECT = '/O=system:nodes/CN=system:node:nodedoc-test';

interface CertRun {
  readonly report: AgentReport;
  /** Wall-clock bounds of the agent run: it read the certificate (and the clock) in between. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * The agent's expiresInSeconds is notAfter minus its clock, rounded to the second, read during the run:
 * so it lies between the values at the run's end and start (one second of rounding either way).
 */
function expectSecondsLeft(seconds: number, notAfter: Date, run: CertRun): void {
  expect(seconds).toBeGreaterThanOrEqual(Math.floor((notAfter.getTime() - run.endedAt) / 1000) - 1);
  expect(seconds).toBeLessThanOrEqual(Math.ceil((notAfter.getTime() - run.startedAt) / 1000) + 1);
}

/** The lines of base64 between the PEM armour: what leaking the key would look like. */
function keyBodyLines(keyPem: string): string[] {
  return keyPem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
}

describe.skipIf(requires({ commands: ['openssl'] }))('kubelet client certificate expiry', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'nodedoc-certificate-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** A fresh host root holding only the kubelet's PEM file; the agent runs --once --json against it. */
  async function runWith(name: string, certificate: Certificate): Promise<CertRun> {
    const hostRoot = join(workDir, name);
    const file = join(hostRoot, CERT_PATH);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, `${certificate.certPem}${certificate.keyPem}`, { mode: 0o600 });
    const startedAt = Date.now();
    const result = await runAgent(['--once', '--json', '--host-root', hostRoot]);
    const endedAt = Date.now();
    expect(result.code, result.stderr).toBe(0);
    const output = `${result.stdout}\n${result.stderr}`;
    // Whatever else happens, the private key never leaves the file.
    expect(output).not.toContain('PRIVATE KEY');
    for (const line of keyBodyLines(certificate.keyPem)) expect(output).not.toContain(line);
    return { report: JSON.parse(result.stdout) as AgentReport, startedAt, endedAt };
  }

  it('a certificate valid for 3 days is a certificate-expiry warning with the exact notAfter', async () => {
    const certificate = await selfSignedCertificate({ days: 3, subject: SUBJECT });
    expect(certificate.keyPem).toContain('BEGIN EC PRIVATE KEY');
    const run = await runWith('three-days', certificate);
    const { report } = run;
    const reading = report.samples.certificate;
    expect(reading).toMatchObject({
      status: 'ok',
      path: CERT_PATH,
      notAfter: certificate.notAfter.toISOString(),
    });
    if (reading.status !== 'ok') return;
    expect(reading.subject).toContain('CN=system:node:nodedoc-test');
    expect(reading.expiresInSeconds).toBeLessThanOrEqual(3 * DAY_SECONDS);
    expectSecondsLeft(reading.expiresInSeconds, certificate.notAfter, run);
    const finding = onlyFinding(report, 'certificate-expiry');
    expect(finding).toMatchObject({
      check: 'kubelet-certificate',
      severity: 'warning',
      value: reading.expiresInSeconds,
      threshold: WARNING_SECONDS,
    });
  });

  it('a certificate valid for 400 days raises nothing', async () => {
    const certificate = await selfSignedCertificate({ days: 400, subject: SUBJECT });
    const run = await runWith('four-hundred-days', certificate);
    const { report } = run;
    const reading = report.samples.certificate;
    expect(reading).toMatchObject({ status: 'ok', notAfter: certificate.notAfter.toISOString() });
    if (reading.status !== 'ok') return;
    expect(reading.expiresInSeconds).toBeGreaterThan(WARNING_SECONDS);
    expectSecondsLeft(reading.expiresInSeconds, certificate.notAfter, run);
    expect(findingsFor(report, 'certificate-expiry')).toEqual([]);
  });

  it('an expired certificate is critical certificate-expiry with a negative time left', async () => {
    const now = Date.now();
    const certificate = await backdatedCertificate({
      notBefore: new Date(now - 30 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
      subject: SUBJECT,
    });
    expect(certificate.notAfter.getTime()).toBeLessThan(now);
    const run = await runWith('expired', certificate);
    const { report } = run;
    const reading = report.samples.certificate;
    expect(reading).toMatchObject({ status: 'ok', notAfter: certificate.notAfter.toISOString() });
    if (reading.status !== 'ok') return;
    expect(reading.expiresInSeconds).toBeLessThanOrEqual(-DAY_SECONDS);
    expectSecondsLeft(reading.expiresInSeconds, certificate.notAfter, run);
    const finding = onlyFinding(report, 'certificate-expiry');
    expect(finding).toMatchObject({
      check: 'kubelet-certificate',
      severity: 'critical',
      value: reading.expiresInSeconds,
      threshold: 0,
    });
    expect(finding.summary).toContain('expired');
  });
});
