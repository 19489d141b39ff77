/**
 * The collector could not start: a port is taken, the store will not open, the TLS files are unusable. The
 * program prints the message as its one line on stderr and exits 1.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** "listen EADDRINUSE: address already in use 0.0.0.0:8080" and grpc-js's wrapping of it, in a few words. */
export function describeListenError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('EADDRINUSE')) return 'address already in use';
  if (message.includes('EACCES')) return 'permission denied (a port below 1024 needs privileges)';
  if (message.includes('EADDRNOTAVAIL')) return 'no such address on this host';
  return message.split('\n')[0] ?? message;
}
