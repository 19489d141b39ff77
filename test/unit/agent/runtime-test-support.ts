import { NETWORK_READY, RUNTIME_READY } from '../../../agent/cri/runtime-conditions.js';
import type { RuntimeCondition } from '../../../agent/sample-types.js';

/** Shared by the runtime-*.test.ts files: the CRI runtime conditions they build samples and answers from. */

/** RuntimeReady=true as containerd reports it: no reason, no message. */
export const READY: RuntimeCondition = { type: RUNTIME_READY, status: true, reason: '', message: '' };

/** NetworkReady=true: a CNI configuration is in place. */
export const NETWORK_OK: RuntimeCondition = { type: NETWORK_READY, status: true, reason: '', message: '' };

/**
 * NetworkReady=false from containerd 1.6 with an empty CNI conf_dir: runtime-conditions.test.ts decodes
 * exactly this (and READY) from the captured StatusResponse bytes.
 */
export const NO_CNI: RuntimeCondition = {
  type: NETWORK_READY,
  status: false,
  reason: 'NetworkPluginNotReady',
  message: 'Network plugin returns error: cni plugin not initialized',
};
