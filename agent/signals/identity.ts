import { readText, SignalError } from '../host/read-text.js';
import { parseUptime } from '../parsers/uptime.js';
import { ok } from '../reading.js';
import { loadAgentState, saveAgentState } from '../state/agent-state.js';
import type { Signal, SignalContext } from './signal.js';

const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Boot id and uptime. With --spool-dir the last boot id is kept across agent restarts, so a reboot that
 * happened while the agent was down is still noticed.
 */
export function createIdentitySignal({ paths, config, logger }: SignalContext): Signal<'identity'> {
  let previousBootId: string | null | undefined;
  let changedAt: number | undefined;
  let lastBootId: string | undefined;
  return {
    name: 'identity',
    async sample() {
      const bootIdPath = paths.proc('sys/kernel/random/boot_id');
      const uptimePath = paths.proc('uptime');
      const [bootIdText, uptimeText] = await Promise.all([readText(bootIdPath), readText(uptimePath)]);
      const bootId = bootIdText.trim();
      if (!BOOT_ID.test(bootId)) throw new SignalError(`${bootIdPath}: not a UUID`);
      const uptimeSeconds = parseUptime(uptimePath, uptimeText);

      if (previousBootId === undefined) {
        previousBootId = config.spoolDir ? ((await loadAgentState(config.spoolDir)).bootId ?? null) : null;
        lastBootId = previousBootId ?? undefined;
      }
      if (lastBootId !== undefined && lastBootId !== bootId) changedAt = Date.now();
      if (lastBootId !== bootId) {
        if (lastBootId !== undefined) previousBootId = lastBootId;
        lastBootId = bootId;
        if (config.spoolDir) {
          await saveAgentState(config.spoolDir, { bootId }).catch((error: unknown) =>
            logger.warn({ err: error, spoolDir: config.spoolDir }, 'could not record the boot id'),
          );
        }
      }
      const bootIdChanged = changedAt !== undefined && Date.now() - changedAt <= config.eventHoldMs;
      return ok({ bootId, uptimeSeconds, previousBootId, bootIdChanged });
    },
  };
}
