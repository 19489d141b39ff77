import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * JSON logs, one event per line, on the given file descriptor (stdout for daemons; stderr for one-shot
 * commands whose stdout is their result). Synchronous writes: a crash must not lose the line explaining it.
 */
export function createLogger(name: string, level: string, fd: 1 | 2 = 1): Logger {
  const destination: DestinationStream = pino.destination({ fd, sync: true });
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Defence in depth: nothing we log should carry these, but if it ever does it is masked.
      redact: { paths: ['*.authorization', '*.token', '*.key', '*.password'], censor: '[redacted]' },
    },
    destination,
  );
}
