import { readFileSync } from 'node:fs';

/**
 * procfs and sysfs files are small; anything larger than this is not the file we expect (or a fixture
 * gone wrong), and reading it whole would be an easy way to blow the agent's memory budget.
 */
export const MAX_TEXT_BYTES = 1 << 20;

/** A read or parse failure whose message is fit for "unavailable: <reason>". */
export class SignalError extends Error {
  override readonly name = 'SignalError';
}

/** Turns a Node fs error into a short reason: "/proc/meminfo: no such file". */
export function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'EISDIR':
      return `${path}: is a directory`;
    default:
      return `${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Reads a whole small text file; failures become SignalErrors with a readable reason.
 *
 * Synchronous on purpose: procfs and sysfs files are generated in memory by the kernel and never wait on a
 * disk, and a synchronous read is one syscall sequence on the main thread instead of five thread-pool round
 * trips (open, fstat, read, read, close) through fs/promises — profiling showed the promise version was the
 * largest CPU cost of a sampling cycle. Anything that can block on real storage (statfs of a mount, the
 * kubelet config) stays asynchronous. The signature stays async so callers need not care.
 */
export async function readText(path: string): Promise<string> {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw new SignalError(describeFsError(path, error));
  }
  if (buffer.length > MAX_TEXT_BYTES) throw new SignalError(`${path}: larger than ${MAX_TEXT_BYTES} bytes`);
  return buffer.toString('utf8');
}

/** Like readText, but a missing file is `undefined` (for files whose absence means "feature not in use"). */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readText(path);
  } catch (error) {
    if (error instanceof SignalError && error.message.endsWith('no such file')) return undefined;
    throw error;
  }
}

/** Parses a file holding one integer (e.g. /proc/sys/kernel/pid_max). */
export function parseSingleInteger(path: string, text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed))
    throw new SignalError(`${path}: expected one integer, got ${JSON.stringify(trimmed.slice(0, 40))}`);
  return Number(trimmed);
}
