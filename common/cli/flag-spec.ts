/**
 * A program's flags as data: one table drives parsing, environment fallback, `--help` and the
 * configuration reference in the README, so the three cannot drift apart.
 */
export interface FlagSpec {
  /** Long name without dashes: "interval" is given as `--interval`. */
  readonly name: string;
  /** One-letter alias: "o" is given as `-o`. */
  readonly short?: string;
  /** Boolean flags take no value; string flags take exactly one. */
  readonly type: 'boolean' | 'string';
  /** May be given more than once; from the environment it is a comma-separated list. */
  readonly repeatable?: boolean;
  /** What the value looks like in help, e.g. "HOST:PORT" or "DURATION". */
  readonly placeholder?: string;
  /** The default as shown in help (the program applies it); omitted when there is none. */
  readonly defaultText?: string;
  /** One sentence for `--help`. */
  readonly description: string;
  /** False for flags that make no sense as environment (e.g. --help). Default true. */
  readonly env?: boolean;
}

/** NODEDOC_ + the flag name in upper snake case: "dns-server" -> "NODEDOC_DNS_SERVER". */
export function envName(flag: FlagSpec): string | undefined {
  if (flag.env === false) return undefined;
  return `NODEDOC_${flag.name.toUpperCase().replaceAll('-', '_')}`;
}
