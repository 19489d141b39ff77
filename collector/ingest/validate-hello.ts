import type { Hello__Output } from '../../proto/gen/nodedoc/v1/Hello.js';
import { collectorError } from '../errors.js';
import { nodeNameProblem } from '../node-name.js';
import type { AgentIdentity } from '../store/node-store.js';
import {
  checkCount,
  checkDuration,
  checkLabel,
  checkToken,
  checkUint64,
  FieldProblem,
} from './field-checks.js';
import {
  MAX_AGENT_VERSION_LENGTH,
  MAX_BOOT_ID_LENGTH,
  MAX_CAPABILITIES,
  MAX_CAPABILITY_LENGTH,
  MAX_INTERVAL_MS,
  MAX_KERNEL_LENGTH,
  MAX_OS_LENGTH,
  MIN_INTERVAL_MS,
} from './wire-limits.js';

/** /proc/sys/kernel/random/boot_id is a UUID; empty when the agent could not read it. */
export const BOOT_ID = /^[0-9A-Za-z-]*$/;
/** Signal names as in the agent's JSON: `cpu`, `memory`, `dns`. */
export const SIGNAL_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Checks every field of a stream's Hello and returns the identity to register. With mTLS, `certificateNode`
 * is the node the client certificate names: an empty node_name takes it, any other name is PERMISSION_DENIED.
 * Throws a CollectorError (INVALID_HELLO, NODE_IDENTITY_MISMATCH).
 */
export function validateHello(hello: Hello__Output, certificateNode?: string): AgentIdentity {
  const node = hello.nodeName === '' && certificateNode !== undefined ? certificateNode : hello.nodeName;
  const nameProblem = nodeNameProblem(node);
  if (nameProblem !== undefined) {
    throw collectorError('INVALID_HELLO', {
      field: 'node_name',
      reason: `${JSON.stringify(node)} ${nameProblem}`,
    });
  }
  if (certificateNode !== undefined && node !== certificateNode) {
    throw collectorError('NODE_IDENTITY_MISMATCH', { claimed: node, identity: certificateNode });
  }
  try {
    checkCount('capabilities', hello.capabilities.length, MAX_CAPABILITIES);
    const capabilities = hello.capabilities.map((capability, index) =>
      checkToken(
        `capabilities[${index}]`,
        capability,
        MAX_CAPABILITY_LENGTH,
        SIGNAL_NAME,
        'a signal name like cpu',
      ),
    );
    return {
      node,
      epoch: checkUint64('epoch', hello.epoch).toString(),
      bootId: checkToken('boot_id', hello.bootId, MAX_BOOT_ID_LENGTH, BOOT_ID, 'a UUID (or empty)'),
      agentVersion: checkLabel('agent_version', hello.agentVersion, MAX_AGENT_VERSION_LENGTH),
      kernel: checkLabel('kernel', hello.kernel, MAX_KERNEL_LENGTH),
      os: checkLabel('os', hello.os, MAX_OS_LENGTH),
      capabilities: [...new Set(capabilities)],
      intervalMs: checkDuration('interval', hello.interval, MIN_INTERVAL_MS, MAX_INTERVAL_MS),
    };
  } catch (error) {
    if (error instanceof FieldProblem) {
      throw collectorError('INVALID_HELLO', { field: error.field, reason: error.reason });
    }
    throw error;
  }
}
