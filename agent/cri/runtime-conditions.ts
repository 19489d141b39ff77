import type { RuntimeCondition } from '../sample-types.js';

/**
 * The two conditions the kubelet requires (k8s.io/cri-api): RuntimeReady (basic containers can run)
 * and NetworkReady (pod networking, i.e. the CNI plugin, is up).
 */
export const RUNTIME_READY = 'RuntimeReady';
export const NETWORK_READY = 'NetworkReady';

/**
 * Bounds on what a runtime's answer may make us keep. Real runtimes report two or three conditions with
 * short texts; the caps only matter for a broken or hostile endpoint, whose condition types would
 * otherwise become unbounded metric label values and JSON.
 */
export const MAX_CONDITIONS = 16;
export const MAX_CONDITION_TEXT = 512;

/** The runtime answered, but not with a StatusResponse we can read. */
export class CriResponseError extends Error {
  override readonly name = 'CriResponseError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new CriResponseError(`condition ${field} is not a string`);
  return value.length > MAX_CONDITION_TEXT ? `${value.slice(0, MAX_CONDITION_TEXT)}…` : value;
}

/**
 * Maps a decoded StatusResponse (proto-loader object, defaults on) to the conditions we report. A
 * response without a status carries no conditions; the kubelet then treats the runtime as not ready,
 * and so do the checks. A condition type reported twice keeps its first entry, which is the one the
 * kubelet's GetRuntimeCondition finds.
 */
export function parseStatusResponse(response: unknown): RuntimeCondition[] {
  if (!isRecord(response)) throw new CriResponseError('the StatusResponse is not a message');
  const status = response.status;
  if (status === null || status === undefined) return [];
  if (!isRecord(status) || !Array.isArray(status.conditions)) {
    throw new CriResponseError('StatusResponse.status has no conditions list');
  }
  const conditions: RuntimeCondition[] = [];
  const seen = new Set<string>();
  for (const raw of status.conditions as unknown[]) {
    if (!isRecord(raw)) throw new CriResponseError('a runtime condition is not a message');
    if (typeof raw.status !== 'boolean') throw new CriResponseError('condition status is not a boolean');
    const type = text(raw.type, 'type');
    if (seen.has(type)) continue;
    seen.add(type);
    if (conditions.length === MAX_CONDITIONS) break;
    conditions.push({
      type,
      status: raw.status,
      reason: text(raw.reason, 'reason'),
      message: text(raw.message, 'message'),
    });
  }
  return conditions;
}

export function findCondition(
  conditions: readonly RuntimeCondition[],
  type: string,
): RuntimeCondition | undefined {
  return conditions.find((condition) => condition.type === type);
}

/** A condition's status, or null when the runtime did not report that condition at all. */
export function conditionStatus(conditions: readonly RuntimeCondition[], type: string): boolean | null {
  return findCondition(conditions, type)?.status ?? null;
}

/** "NetworkPluginNotReady: cni plugin not initialized", or whichever half the runtime gave. */
export function describeCondition(condition: RuntimeCondition): string {
  const parts = [condition.reason, condition.message].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(': ') : 'no reason given';
}
