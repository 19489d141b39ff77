/** "HOST:PORT", ":PORT" (all interfaces) or "[::1]:PORT" as used by --metrics-listen and friends. */
export interface ListenAddress {
  /** undefined binds every interface. */
  readonly host: string | undefined;
  /** 0 asks the kernel for a free port (tests use it). */
  readonly port: number;
}

const LISTEN = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/;

export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = LISTEN.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

export function formatListenAddress(address: { host?: string | undefined; port: number }): string {
  const host = address.host ?? '0.0.0.0';
  return host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
}
