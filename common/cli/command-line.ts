import type { FlagSpec } from './flag-spec.js';
import { type ParsedFlags, parseFlags } from './parse-flags.js';
import { renderUsage } from './usage.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

export interface CommandLineSpec {
  /** The name messages start with ("nodedoc-agent: …"). */
  readonly program: string;
  /** How the user runs it, for the usage text and the hint (default: `program`; "npm run bench:x --"). */
  readonly invocation?: string;
  readonly synopsis: readonly string[];
  readonly flags: readonly FlagSpec[];
  /** Answers --version with it; the flags must then have a `version` flag. */
  readonly version?: string;
}

/**
 * The start of every program's main(): flags (and NODEDOC_* environment) parsed, --help and --version answered,
 * the configuration built. Returns the configuration, or the exit code to end with when the program is done
 * already: 0 after --help/--version, 2 after a usage error, printed as one line and a hint, never a stack.
 */
export function readCommandLine<T>(
  spec: CommandLineSpec,
  argv: readonly string[],
  build: (flags: ParsedFlags) => T,
): { readonly config: T } | { readonly exitCode: number } {
  const invocation = spec.invocation ?? spec.program;
  try {
    const flags = parseFlags(spec.flags, argv, process.env);
    if (flags.boolean('help')) {
      process.stdout.write(renderUsage(invocation, spec.synopsis, spec.flags));
      return { exitCode: EXIT_OK };
    }
    if (spec.version !== undefined && flags.boolean('version')) {
      process.stdout.write(`${spec.program} ${spec.version}\n`);
      return { exitCode: EXIT_OK };
    }
    return { config: build(flags) };
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${spec.program}: ${error.message}\nTry '${invocation} --help'.\n`);
      return { exitCode: EXIT_USAGE };
    }
    throw error;
  }
}
