import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** --tls-cert, --tls-key and --tls-ca: the agent's client certificate and the CA of the collector's. */
export interface TlsFiles {
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath: string;
}

/** The PEM contents; the key is never logged. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

/** Reads the three files; throws an Error naming the flag and the file that could not be read. */
export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(`--${flag} ${path}: cannot read it (${code})`);
    }
  };
  return {
    cert: read('tls-cert', files.certPath),
    key: read('tls-key', files.keyPath),
    ca: read('tls-ca', files.caPath),
  };
}

/**
 * Reads the files and has OpenSSL parse them as grpc-js will (certificate chain, matching private key,
 * CA bundle), so that a wrong file is a clear message at start-up rather than a failed handshake later.
 * Throws an Error whose message names the problem; the key's contents never appear in it.
 */
export function checkTlsFiles(files: TlsFiles): void {
  const material = readTlsMaterial(files);
  try {
    createSecureContext({ cert: material.cert, key: material.key, ca: material.ca });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`--tls-cert/--tls-key/--tls-ca: not a usable certificate, key and CA (${reason})`);
  }
}
