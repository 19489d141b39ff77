import { X509Certificate } from 'node:crypto';
import { readTextIfExists, SignalError } from '../host/read-text.js';
import { absent, ok, unavailable } from '../reading.js';
import type { Signal, SignalContext } from './signal.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * notAfter of the kubelet client certificate. kubelet-client-current.pem holds the certificate and its
 * key; only the first certificate block is parsed, and the key is never kept or logged.
 */
export function createCertificateSignal({ config, paths }: SignalContext): Signal<'certificate'> {
  const { value: path, explicit } = config.kubeletClientCert;
  return {
    name: 'certificate',
    async sample() {
      const file = paths.host(path);
      const text = await readTextIfExists(file);
      if (text === undefined) {
        return explicit
          ? unavailable(`${file}: no such file`)
          : absent(`no kubelet client certificate at ${path}`);
      }
      const block = PEM_CERTIFICATE.exec(text);
      if (!block) throw new SignalError(`${file}: no PEM certificate block`);
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(block[0]);
      } catch (error) {
        throw new SignalError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const notAfter = new Date(certificate.validTo);
      if (Number.isNaN(notAfter.getTime())) throw new SignalError(`${file}: unreadable notAfter`);
      return ok({
        path,
        subject: certificate.subject.replaceAll('\n', ', '),
        notAfter: notAfter.toISOString(),
        expiresInSeconds: Math.round((notAfter.getTime() - Date.now()) / 1000),
      });
    },
  };
}
