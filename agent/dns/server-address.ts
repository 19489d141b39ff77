import { isIP } from 'node:net';

/** A DNS server to probe: an IP literal (IPv6 possibly with a %zone) and a port. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/** The port every resolver listens on; clusterDNS and resolv.conf entries carry no port. */
export const DNS_PORT = 53;

function isIpv6(host: string): boolean {
  return isIP(host.split('%')[0] ?? '') === 6;
}

/** "10.96.0.10:53", "[fd00::a]:53": the server label used in samples, findings and metrics. */
export function formatServer({ host, port }: ServerAddress): string {
  return isIpv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The dgram socket family for a server. */
export function udpFamily(host: string): 'udp4' | 'udp6' {
  return isIpv6(host) ? 'udp6' : 'udp4';
}
