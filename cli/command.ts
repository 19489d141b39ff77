import type { ApiClient } from './api-client.js';
import type { OutputFormat } from './cli-flags.js';
import type { Style } from './render/style.js';

/** What a command gets: the API, how to print, and its own arguments (after the command name). */
export interface CommandContext {
  readonly api: ApiClient;
  readonly format: OutputFormat;
  readonly style: Style;
  readonly nowMs: number;
  readonly args: readonly string[];
  /** --since for timeline, as given. */
  readonly since: string | undefined;
}

export interface Command {
  readonly name: string;
  /** Positional arguments as shown in usage, e.g. "NODE". */
  readonly argsUsage: string;
  readonly summary: string;
  /** Exact number of positional arguments. */
  readonly arity: number;
  run(context: CommandContext): Promise<string>;
}

/** `-o json` prints the API's document as it came, pretty-printed, for jq and scripts. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
