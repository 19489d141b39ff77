import { CAUSE_IDS, isCauseId } from '../../common/ids.js';
import type { Runbook } from '../../common/runbooks/runbook.js';
import { bundledRunbookDirectory } from '../../common/runbooks/runbook-directory.js';
import { RunbookLoadError, readRunbook } from '../../common/runbooks/runbook-library.js';
import { CliError } from '../cli-error.js';
import { type Command, json } from '../command.js';
import { terminalMarkdown } from '../render/terminal-markdown.js';

/** What `-o json` prints: the runbook as data, its markdown as written. */
export interface RunbookJson {
  readonly id: string;
  readonly title: string;
  readonly markdown: string;
}

/** Cause ids the person may have meant: those containing what they typed ("dns" → dns-failure, dns-latency). */
function suggestions(typed: string): string[] {
  const needle = typed.toLowerCase();
  return needle === '' ? [] : CAUSE_IDS.filter((id) => id.includes(needle));
}

function unknownCause(typed: string): CliError {
  const close = suggestions(typed);
  const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
  return new CliError(`unknown cause '${typed}'; ${hint}\`nodedoc causes\` lists every cause id`);
}

/**
 * `nodedoc runbook CAUSE`: prints the runbook from the copy shipped with the CLI (collector/runbooks of the same
 * package), so it works when the collector is down or unreachable, which is when it is needed most. The
 * collector serves the same files at /runbooks/CAUSE.
 */
export const runbookCommand: Command = {
  name: 'runbook',
  argsUsage: 'CAUSE',
  summary: "A cause's runbook: meaning, impact, diagnosis, mitigation (works without a collector).",
  arity: 1,
  async run({ args, format, style }) {
    const typed = args[0] ?? '';
    if (!isCauseId(typed)) throw unknownCause(typed);
    const directory = bundledRunbookDirectory();
    let runbook: Runbook | undefined;
    try {
      runbook = directory === undefined ? undefined : readRunbook(directory, typed);
    } catch (error) {
      if (error instanceof RunbookLoadError) throw new CliError(error.message);
      throw error;
    }
    if (!runbook) {
      throw new CliError(
        `the runbooks are not installed with this nodedoc (looked for ${directory ?? 'collector/runbooks'}/${typed}.md); the collector serves them at /runbooks/${typed}`,
      );
    }
    if (format === 'json') {
      return json({ id: runbook.id, title: runbook.title, markdown: runbook.markdown } satisfies RunbookJson);
    }
    const text = terminalMarkdown(runbook.markdown, style);
    return text.endsWith('\n') ? text : `${text}\n`;
  },
};
