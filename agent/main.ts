#!/usr/bin/env -S node --lite-mode --no-expose-wasm --max-semi-space-size=1
// The flags above are part of the agent's resource budget (64 MiB peak RSS on every node): --lite-mode
// keeps V8 from compiling optimised code for a program that wakes once per interval and spends its time in
// syscalls (measured: -20 MiB RSS, no more CPU per cycle), and a 1 MiB semi-space keeps the young
// generation small for a program whose live set is a few MiB (--no-expose-wasm only silences the warning
// lite mode prints otherwise; the agent has no WebAssembly). `npm run bench` measures both; the bench
// and the test harness read the flags from this line (common/shebang-flags.ts), so they run what ships.
import { readCommandLine } from '../common/cli/command-line.js';
import { EXIT_FAILURE, EXIT_OK } from '../common/cli/usage-error.js';
import { createLogger } from '../common/logger.js';
import { VERSION } from '../common/version.js';
import { buildAgentConfig } from './config/agent-config.js';
import { AGENT_FLAGS } from './config/agent-flags.js';
import { HostPaths } from './host/host-paths.js';
import { runContinuous } from './modes/continuous.js';
import { runOnce } from './modes/once.js';

const PROGRAM = 'nodedoc-agent';
const SYNOPSIS = [
  '--once [--json] [flags]',
  '[flags]            (continuous: sample every --interval, serve /metrics)',
];

async function main(argv: readonly string[]): Promise<number> {
  const read = readCommandLine(
    { program: PROGRAM, synopsis: SYNOPSIS, flags: AGENT_FLAGS, version: VERSION },
    argv,
    (flags) => buildAgentConfig(flags, process.env),
  );
  if ('exitCode' in read) return read.exitCode;
  const { config } = read;

  const paths = new HostPaths(config.hostRoot);
  if (config.once) {
    // stdout carries the result; logs go to stderr and only when something is wrong.
    const logger = createLogger(PROGRAM, config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
    await runOnce(config, paths, logger);
    return EXIT_OK;
  }
  const logger = createLogger(PROGRAM, config.logLevel);
  return runContinuous(config, paths, logger);
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
