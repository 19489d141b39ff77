import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs` with the
 * last observation in the message (so a failing test says what it saw, not just "timed out").
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
  describeLast: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const last = describeLast();
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${last ? `; last seen: ${last}` : ''}${lastError ? `; last error: ${String(lastError)}` : ''}`,
  );
}
