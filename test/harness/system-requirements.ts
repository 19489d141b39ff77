import { execFileSync } from 'node:child_process';

export interface Requirements {
  /** Needs uid 0 (namespaces, cgroups, sysctls). */
  readonly root?: boolean;
  /** Executables that must be on PATH (or absolute paths that must exist). */
  readonly commands?: readonly string[];
  /** Extra predicate with its own explanation, e.g. a kernel feature. */
  readonly check?: () => string | undefined;
}

function missingCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', command], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

/**
 * Decides whether a suite that needs root or system tools can run. In CI (CI=true) a missing
 * requirement throws, so the suite fails loudly instead of passing by skipping; elsewhere the suite is
 * skipped with a message naming what to install. Use as: describe.skipIf(requires({...}))(…).
 */
export function requires(requirements: Requirements): boolean {
  const missing: string[] = [];
  if (requirements.root && process.getuid?.() !== 0) missing.push('root (run as uid 0)');
  for (const command of requirements.commands ?? []) {
    if (missingCommand(command)) missing.push(command);
  }
  const extra = requirements.check?.();
  if (extra) missing.push(extra);
  if (missing.length === 0) return false;
  const message = `missing ${missing.join(', ')} — on Debian: bash .ci/run installs everything the tests need`;
  if (process.env.CI) throw new Error(`CI must have every test requirement: ${message}`);
  console.warn(`skipping: ${message}`);
  return true;
}
