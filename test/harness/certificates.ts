import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Certificates made by the real openssl at test time, the way a node gets them: an ECDSA P-256 key (what
 * the kubelet's certificate manager generates) and a certificate for it.
 */
export interface Certificate {
  readonly certPem: string;
  /** SEC1 "EC PRIVATE KEY" PEM, the form the kubelet writes after the certificate. */
  readonly keyPem: string;
  /** notAfter as openssl itself prints it, parsed independently of the agent's node:crypto. */
  readonly notAfter: Date;
}

export interface SelfSignedOptions {
  /** Validity from now (openssl req -days). */
  readonly days: number;
  /** e.g. "/O=system:nodes/CN=system:node:worker-1". */
  readonly subject: string;
  /** subjectAltName value, e.g. "IP:127.0.0.1" for a server certificate. */
  readonly subjectAltName?: string;
}

export interface BackdatedOptions {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subject: string;
}

/**
 * Minimal `openssl ca` configuration: OpenSSL 3.0 (Debian 12) has no `x509 -not_before`, and `req -x509`
 * cannot start a certificate in the past, but `ca -selfsign -startdate/-enddate` can.
 */
const CA_CONFIG = `[ ca ]
default_ca = self
[ self ]
database = ./index.txt
new_certs_dir = ./issued
rand_serial = yes
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
organizationName = optional
`;

async function inScratchDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'nodedoc-certs-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openssl(dir: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('openssl', args, { cwd: dir });
  return stdout;
}

async function newKey(dir: string): Promise<void> {
  await openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'key.pem']);
}

/** notAfter of a PEM certificate as openssl prints it with -dateopt iso_8601 ("2026-11-26 13:48:57Z"). */
export async function opensslNotAfter(certPem: string): Promise<Date> {
  return inScratchDir(async (dir) => {
    await writeFile(join(dir, 'cert.pem'), certPem);
    const out = await openssl(dir, ['x509', '-in', 'cert.pem', '-noout', '-enddate', '-dateopt', 'iso_8601']);
    const match = /^notAfter=(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)Z$/m.exec(out.trim());
    if (!match) throw new Error(`unexpected openssl -enddate output: ${out}`);
    return new Date(`${match[1]}T${match[2]}Z`);
  });
}

async function finish(dir: string, certFile: string): Promise<Certificate> {
  const certPem = await readFile(join(dir, certFile), 'utf8');
  const keyPem = await readFile(join(dir, 'key.pem'), 'utf8');
  return { certPem, keyPem, notAfter: await opensslNotAfter(certPem) };
}

/** `openssl req -x509`: valid from now for `days` days. */
export function selfSignedCertificate(options: SelfSignedOptions): Promise<Certificate> {
  return inScratchDir(async (dir) => {
    await newKey(dir);
    const args = ['req', '-x509', '-key', 'key.pem', '-out', 'cert.pem', '-days', String(options.days)];
    args.push('-subj', options.subject);
    if (options.subjectAltName) args.push('-addext', `subjectAltName=${options.subjectAltName}`);
    await openssl(dir, args);
    return finish(dir, 'cert.pem');
  });
}

/** YYYYMMDDHHMMSSZ, the GeneralizedTime form `openssl ca -startdate/-enddate` accepts. */
function generalizedTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:T]/g, '')}Z`;
}

/** `openssl ca -selfsign` with an explicit validity window, which may lie wholly in the past. */
export function backdatedCertificate(options: BackdatedOptions): Promise<Certificate> {
  return inScratchDir(async (dir) => {
    await newKey(dir);
    await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
    await writeFile(join(dir, 'index.txt'), '');
    await mkdir(join(dir, 'issued'));
    await openssl(dir, ['req', '-new', '-key', 'key.pem', '-subj', options.subject, '-out', 'request.csr']);
    await openssl(dir, [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'request.csr',
      '-startdate',
      generalizedTime(options.notBefore),
      '-enddate',
      generalizedTime(options.notAfter),
      '-notext',
      '-out',
      'cert.pem',
    ]);
    return finish(dir, 'cert.pem');
  });
}
