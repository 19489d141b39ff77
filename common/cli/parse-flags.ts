import { parseArgs } from 'node:util';
import { envName, type FlagSpec } from './flag-spec.js';
import { UsageError } from './usage-error.js';

/** Raw flag values after command line and environment are merged; typed conversion is the caller's. */
export interface ParsedFlags {
  /** The single value of a string flag, or undefined when neither given nor in the environment. */
  string(name: string): string | undefined;
  /** Every value of a repeatable flag, in the order given. */
  list(name: string): readonly string[];
  boolean(name: string): boolean;
  /** True when the user set it (command line or environment) rather than relying on the default. */
  given(name: string): boolean;
  readonly positionals: readonly string[];
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

/**
 * Parses argv against the table. The command line wins over the environment (NODEDOC_*), which wins
 * over defaults. Unknown flags, missing values and stray arguments are UsageErrors with one-line messages.
 */
export function parseFlags(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { positionals?: boolean } = {},
): ParsedFlags {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        specs.map((spec) => [
          spec.name,
          {
            type: spec.type,
            multiple: spec.repeatable === true,
            ...(spec.short ? { short: spec.short } : {}),
          },
        ]),
      ),
      strict: true,
      allowPositionals: options.positionals === true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }

  const values = new Map<string, string | boolean | string[]>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value !== undefined) values.set(name, value as string | boolean | string[]);
  }
  for (const spec of specs) {
    if (values.has(spec.name)) continue;
    const variable = envName(spec);
    const raw = variable === undefined ? undefined : env[variable];
    if (raw === undefined) continue;
    if (spec.type === 'boolean') {
      const word = raw.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) values.set(spec.name, true);
      else if (FALSE_WORDS.has(word)) values.set(spec.name, false);
      else throw new UsageError(`${variable}=${raw}: expected true or false`);
    } else if (spec.repeatable) {
      values.set(
        spec.name,
        raw
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      );
    } else {
      values.set(spec.name, raw);
    }
  }

  const known = (name: string): FlagSpec => {
    const spec = byName.get(name);
    if (!spec) throw new Error(`flag --${name} is not declared`);
    return spec;
  };

  return {
    string(name) {
      known(name);
      const value = values.get(name);
      return typeof value === 'string' ? value : undefined;
    },
    list(name) {
      known(name);
      const value = values.get(name);
      if (Array.isArray(value)) return value;
      return typeof value === 'string' ? [value] : [];
    },
    boolean(name) {
      known(name);
      return values.get(name) === true;
    },
    given(name) {
      known(name);
      return values.has(name);
    },
    positionals: parsed.positionals,
  };
}

/** Node's parseArgs messages are long and mention "util.parseArgs"; keep the useful part. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown flag ${unknown[1]}`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `flag ${missing[1]} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}'`;
  // "--dns-timeout -1s": parseArgs will not take a value that starts with a dash unless written with "=".
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous)
    return `flag ${ambiguous[1]} needs a value (write ${ambiguous[1]}=-VALUE for one starting with "-")`;
  const booleanValue = /Option '([^']+)' does not take an argument/.exec(message);
  if (booleanValue) return `flag ${booleanValue[1]} takes no value`;
  return message.split('\n')[0] ?? message;
}
