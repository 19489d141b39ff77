import { format } from 'node:util';
import { setLogger } from '@grpc/grpc-js';
import type { Logger } from 'pino';

/**
 * grpc-js writes its own errors to stderr as "E ..." lines. The collector reports every failure it can act on
 * itself (one line on stderr at start-up, JSON log lines after), so grpc-js's lines go to the JSON log at debug
 * level instead: stderr keeps its one clear line, and `--log-level debug` still shows grpc-js's view.
 */
export function routeGrpcLogs(logger: Logger): void {
  const write =
    (severity: string) =>
    (message?: unknown, ...rest: unknown[]) =>
      logger.debug({ grpcSeverity: severity }, format(message, ...rest));
  setLogger({ error: write('error'), info: write('info'), debug: write('debug') });
}
