import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the agent remembers across restarts, in <spool-dir>/agent-state.json. */
export interface AgentState {
  readonly bootId?: string;
}

const STATE_FILE = 'agent-state.json';

/** Reads the state; a missing or corrupt file is an empty state (it only refines findings). */
export async function loadAgentState(dir: string): Promise<AgentState> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as AgentState).bootId === 'string') {
      return { bootId: (parsed as AgentState).bootId as string };
    }
  } catch {
    // Fall through: first run, or a file we did not write.
  }
  return {};
}

/** Write-then-rename, so a crash mid-write leaves the old state rather than half a file. */
export async function saveAgentState(dir: string, state: AgentState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, STATE_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, target);
}
