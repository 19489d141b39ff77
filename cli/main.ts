#!/usr/bin/env node
import { basename } from 'node:path';
import { parseFlags } from '../common/cli/parse-flags.js';
import { renderUsage } from '../common/cli/usage.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from '../common/cli/usage-error.js';
import { parseDuration } from '../common/duration.js';
import { VERSION } from '../common/version.js';
import { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import {
  CLI_FLAGS,
  DEFAULT_COLLECTOR_URL,
  DEFAULT_TIMEOUT,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './cli-flags.js';
import type { Command } from './command.js';
import { causesCommand } from './commands/causes.js';
import { nodesCommand } from './commands/nodes.js';
import { runbookCommand } from './commands/runbook.js';
import { timelineCommand } from './commands/timeline.js';
import { whyCommand } from './commands/why.js';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE, serviceProxy } from './kube-service-proxy.js';
import { Style } from './render/style.js';

const COMMANDS: readonly Command[] = [
  nodesCommand,
  whyCommand,
  timelineCommand,
  runbookCommand,
  causesCommand,
];

/** Invoked as kubectl-nodedoc (a kubectl plugin), as `kubectl nodedoc`. */
function isKubectlPlugin(): boolean {
  return basename(process.argv[1] ?? 'nodedoc').startsWith('kubectl-');
}

function programName(): string {
  return isKubectlPlugin() ? 'kubectl nodedoc' : 'nodedoc';
}

/** Flags that only make sense through the API server; any of them asks for the service proxy. */
const KUBE_FLAGS = ['namespace', 'service', 'context', 'kubeconfig'] as const;

function usage(program: string): string {
  const synopsis = COMMANDS.map(
    (command) =>
      `${command.name}${command.argsUsage ? ` ${command.argsUsage}` : ''}`.padEnd(16) +
      `  ${command.summary}`,
  );
  return renderUsage(
    program,
    synopsis.map((line) => `[flags] ${line}`),
    CLI_FLAGS,
  );
}

function baseUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(
    `--collector ${text}: expected an http:// or https:// URL, e.g. ${DEFAULT_COLLECTOR_URL}`,
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const program = programName();
  let command: Command;
  let context: Parameters<Command['run']>[0];
  try {
    const flags = parseFlags(CLI_FLAGS, argv, process.env, { positionals: true });
    if (flags.boolean('help')) {
      process.stdout.write(usage(program));
      return EXIT_OK;
    }
    if (flags.boolean('version')) {
      process.stdout.write(`nodedoc ${VERSION}\n`);
      return EXIT_OK;
    }
    const [name, ...args] = flags.positionals;
    if (name === undefined) throw new UsageError('no command given');
    const found = COMMANDS.find((candidate) => candidate.name === name);
    if (!found) throw new UsageError(`unknown command '${name}'`);
    if (args.length !== found.arity) {
      throw new UsageError(
        found.arity === 0
          ? `${name} takes no argument`
          : `${name} needs ${found.argsUsage}${args.length > found.arity ? ' and nothing more' : ''}`,
      );
    }
    const format = flags.string('output') ?? 'table';
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`-o ${format}: expected one of ${OUTPUT_FORMATS.join(', ')}`);
    }
    const timeoutText = flags.string('timeout') ?? DEFAULT_TIMEOUT;
    const timeoutMs = parseDuration(timeoutText);
    if (timeoutMs === undefined || timeoutMs <= 0)
      throw new UsageError(`--timeout ${timeoutText}: expected a duration like 10s`);
    command = found;
    // An empty value (NODEDOC_COLLECTOR= in the environment) counts as not given.
    const given = (name: string) => flags.string(name) || undefined;
    const collector = given('collector');
    const viaKube =
      collector === undefined && (isKubectlPlugin() || KUBE_FLAGS.some((name) => given(name) !== undefined));
    const api = viaKube
      ? new ApiClient(
          () =>
            serviceProxy({
              namespace: given('namespace') ?? DEFAULT_NAMESPACE,
              service: given('service') ?? DEFAULT_SERVICE,
              context: given('context'),
              kubeconfig: given('kubeconfig'),
            }),
          timeoutMs,
        )
      : new ApiClient(baseUrl(collector ?? DEFAULT_COLLECTOR_URL), timeoutMs);
    context = {
      api,
      format: format as OutputFormat,
      style: Style.forStream(process.stdout, process.env),
      nowMs: Date.now(),
      args,
      since: flags.string('since'),
    };
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${program}: ${error.message}\n\n${usage(program)}`);
      return EXIT_USAGE;
    }
    throw error;
  }
  try {
    process.stdout.write(await command.run(context));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${program}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`nodedoc: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
