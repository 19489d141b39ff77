#!/usr/bin/env node
import { readCommandLine } from '../common/cli/command-line.js';
import { EXIT_FAILURE, EXIT_OK } from '../common/cli/usage-error.js';
import { createLogger } from '../common/logger.js';
import { VERSION } from '../common/version.js';
import { buildCollectorConfig } from './config/collector-config.js';
import { COLLECTOR_FLAGS } from './config/collector-flags.js';
import { routeGrpcLogs } from './grpc/grpc-logging.js';
import { startCollector } from './start-collector.js';
import { StartupError } from './startup-error.js';

const PROGRAM = 'nodedoc-collector';
const SYNOPSIS = ['[--grpc-listen HOST:PORT] [--http-listen HOST:PORT] [--data-dir DIR] [flags]'];

async function main(argv: readonly string[]): Promise<number> {
  const read = readCommandLine(
    { program: PROGRAM, synopsis: SYNOPSIS, flags: COLLECTOR_FLAGS, version: VERSION },
    argv,
    buildCollectorConfig,
  );
  if ('exitCode' in read) return read.exitCode;
  const { config } = read;

  const logger = createLogger(PROGRAM, config.logLevel);
  routeGrpcLogs(logger);
  // Listening before start-up: a SIGTERM while the store opens still ends in an orderly stop.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    const collector = await startCollector(config, logger);
    const outcome = await Promise.race([
      signal.then((name) => ({ signal: name })),
      collector.serving.then(
        () => signal.then((name) => ({ signal: name })),
        (error: unknown) => ({ error }),
      ),
    ]);
    if ('error' in outcome) {
      await collector.stop();
      throw outcome.error;
    }
    logger.info({ signal: outcome.signal }, 'shutting down');
    await collector.stop();
    logger.info('stopped');
    return EXIT_OK;
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`${PROGRAM}: ${error.message}\n`);
      logger.error({ reason: error.message }, 'cannot start');
      return EXIT_FAILURE;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Last resort: one line, no stack trace for the user; the stack goes to the JSON log on stderr.
    process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`);
    createLogger(PROGRAM, 'error', 2).error({ err: error }, 'fatal error');
    process.exitCode = EXIT_FAILURE;
  },
);
