import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSE_IDS, type CauseIdString, isCauseId } from '../ids.js';
import { parseRunbook, type Runbook } from './runbook.js';

/** The runbook directory is unreadable or lacks a cause's file: a packaging fault, reported at start-up. */
export class RunbookLoadError extends Error {
  override readonly name = 'RunbookLoadError';
}

/** Every cause's runbook, read once from one directory (`<cause-id>.md` per cause of CAUSE_IDS). */
export class RunbookLibrary {
  private readonly byId: ReadonlyMap<string, Runbook>;

  private constructor(
    /** The directory the runbooks were read from. */
    readonly directory: string,
    runbooks: readonly Runbook[],
  ) {
    this.byId = new Map(runbooks.map((runbook) => [runbook.id, runbook]));
  }

  /** Reads `<id>.md` for every cause id; a missing or unreadable file throws RunbookLoadError naming it. */
  static load(directory: string): RunbookLibrary {
    if (!existsSync(directory))
      throw new RunbookLoadError(`the runbook directory ${directory} does not exist`);
    const runbooks: Runbook[] = [];
    const missing: string[] = [];
    for (const id of CAUSE_IDS) {
      const runbook = readRunbook(directory, id);
      if (runbook) runbooks.push(runbook);
      else missing.push(`${id}.md`);
    }
    if (missing.length > 0) {
      throw new RunbookLoadError(`${directory} has no runbook for: ${missing.join(', ')}`);
    }
    return new RunbookLibrary(directory, runbooks);
  }

  /** The runbook of a cause id; undefined for anything that is not one. */
  get(id: string): Runbook | undefined {
    return isCauseId(id) ? this.byId.get(id) : undefined;
  }

  /** Every runbook, in the taxonomy's (the proto's) order. */
  all(): Runbook[] {
    return CAUSE_IDS.map((id) => this.byId.get(id)).filter((runbook) => runbook !== undefined);
  }
}

/** One cause's runbook from a directory; undefined when its file does not exist, RunbookLoadError when unreadable. */
export function readRunbook(directory: string, id: CauseIdString): Runbook | undefined {
  const path = join(directory, `${id}.md`);
  try {
    return parseRunbook(id, readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new RunbookLoadError(`cannot read ${path}: ${code ?? String(error)}`);
  }
}

/** The `.md` files of a runbook directory whose names are not a cause id (a renamed or retired cause). */
export function strayRunbookFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.md'))
    .filter((name) => !isCauseId(name.slice(0, -'.md'.length)))
    .sort();
}
