import type { PeerCertificate } from 'node:tls';
import { isNodeName } from '../node-name.js';

/**
 * The Kubernetes convention for node client certificates (the kubelet's own: CN=system:node:<name>, O=system:nodes):
 * a certificate issued that way names the node after the prefix.
 */
const KUBERNETES_NODE_PREFIX = 'system:node:';

function commonNames(certificate: PeerCertificate): string[] {
  // Node gives a string, or an array when the subject repeats the attribute.
  const cn: unknown = certificate.subject?.CN;
  if (typeof cn === 'string') return [cn];
  return Array.isArray(cn) ? cn.filter((value): value is string => typeof value === 'string') : [];
}

function dnsNames(certificate: PeerCertificate): string[] {
  // "DNS:worker-1, DNS:worker-1.example, IP Address:10.0.0.1"
  return (certificate.subjectaltname ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('DNS:'))
    .map((part) => part.slice('DNS:'.length));
}

/**
 * The node a verified client certificate is for: its CN (without a `system:node:` prefix) when that is a
 * node name, else its first DNS SAN when that is one; undefined when the certificate names no node.
 */
export function certificateNode(certificate: PeerCertificate | undefined): string | undefined {
  if (!certificate) return undefined;
  const [cn] = commonNames(certificate);
  const fromCn = cn?.startsWith(KUBERNETES_NODE_PREFIX) ? cn.slice(KUBERNETES_NODE_PREFIX.length) : cn;
  if (fromCn !== undefined && isNodeName(fromCn)) return fromCn;
  const [san] = dnsNames(certificate);
  if (san !== undefined && isNodeName(san)) return san;
  return undefined;
}
