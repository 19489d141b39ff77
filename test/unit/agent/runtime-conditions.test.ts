import { describe, expect, it } from 'vitest';
import { CRI_API_VERSIONS } from '../../../agent/cri/api-versions.js';
import {
  CriResponseError,
  conditionStatus,
  describeCondition,
  MAX_CONDITION_TEXT,
  MAX_CONDITIONS,
  NETWORK_READY,
  parseStatusResponse,
  RUNTIME_READY,
} from '../../../agent/cri/runtime-conditions.js';
import { loadStatusMethods } from '../../../agent/cri/status-methods.js';
import type { RuntimeCondition } from '../../../agent/sample-types.js';
import { NO_CNI, READY } from './runtime-test-support.js';

/**
 * The protobuf body of a real StatusResponse, captured from containerd 1.6.20~ds1-1+deb12u3 (Debian 12)
 * started with an empty CNI conf_dir (as test/harness/containerd.ts does), asked Status{verbose: false}
 * with a pass-through deserializer; runtime.v1 and runtime.v1alpha2 returned the same bytes. NetworkReady's
 * status is false, which proto3 leaves off the wire: decoding must still yield `status: false`.
 */
const CONTAINERD_1_6_STATUS_HEX =
  '0a730a100a0c52756e74696d65526561647910010a5f0a0c4e6574776f726b52656164791a154e6574776f726b506c7567696e' +
  '4e6f74526561647922384e6574776f726b20706c7567696e2072657475726e73206572726f723a20636e6920706c7567696e20' +
  '6e6f7420696e697469616c697a6564';

const CONTAINERD_CONDITIONS: RuntimeCondition[] = [READY, NO_CNI];

const condition = (type: string, status: boolean, reason = '', message = '') => ({
  type,
  status,
  reason,
  message,
});

describe('decoding a StatusResponse with the proto/cri files', () => {
  it.each(CRI_API_VERSIONS)(
    'reads containerd 1.6 conditions from the captured bytes (%s)',
    async (version) => {
      const methods = await loadStatusMethods();
      const decoded = methods[version].responseDeserialize(Buffer.from(CONTAINERD_1_6_STATUS_HEX, 'hex'));
      expect(parseStatusResponse(decoded)).toEqual(CONTAINERD_CONDITIONS);
    },
  );

  it('serves each version at its upstream path', async () => {
    const methods = await loadStatusMethods();
    expect(methods.v1.path).toBe('/runtime.v1.RuntimeService/Status');
    expect(methods.v1alpha2.path).toBe('/runtime.v1alpha2.RuntimeService/Status');
  });

  it('encodes the request as field 1 (verbose, varint)', async () => {
    const { v1 } = await loadStatusMethods();
    expect(v1.requestSerialize({ verbose: true }).toString('hex')).toBe('0801');
    // protobufjs writes a field the object sets, even to its default; runtimes decode both alike.
    expect(v1.requestSerialize({ verbose: false }).toString('hex')).toBe('0800');
  });

  it('skips fields it does not know (runtime_handlers = 3 from newer runtimes)', async () => {
    const { v1 } = await loadStatusMethods();
    // The captured body, then field 3 (length-delimited) holding a RuntimeHandler {name: "runc"}.
    const handler = '1a060a0472756e63';
    const decoded = v1.responseDeserialize(Buffer.from(CONTAINERD_1_6_STATUS_HEX + handler, 'hex'));
    expect(parseStatusResponse(decoded)).toEqual(CONTAINERD_CONDITIONS);
  });
});

describe('parseStatusResponse', () => {
  it('reads no conditions from a response without a status (the kubelet then sees nothing ready)', () => {
    expect(parseStatusResponse({ status: null, info: {} })).toEqual([]);
    expect(parseStatusResponse({ info: {} })).toEqual([]);
  });

  it('keeps the first of a repeated condition type, as the kubelet does', () => {
    const conditions = parseStatusResponse({
      status: {
        conditions: [condition(RUNTIME_READY, false, 'First'), condition(RUNTIME_READY, true, 'Second')],
      },
    });
    expect(conditions).toEqual([condition(RUNTIME_READY, false, 'First')]);
  });

  it(`keeps at most ${MAX_CONDITIONS} conditions and ${MAX_CONDITION_TEXT} characters per text`, () => {
    const many = Array.from({ length: 100 }, (_, index) => condition(`Type${index}`, true, 'r'.repeat(5000)));
    const conditions = parseStatusResponse({ status: { conditions: many } });
    expect(conditions).toHaveLength(MAX_CONDITIONS);
    expect(conditions[0]?.reason).toBe(`${'r'.repeat(MAX_CONDITION_TEXT)}…`);
    expect(conditions.at(-1)?.type).toBe(`Type${MAX_CONDITIONS - 1}`);
  });

  it.each([
    ['not a message', 'x', 'the StatusResponse is not a message'],
    ['status without conditions', { status: {} }, 'StatusResponse.status has no conditions list'],
    [
      'a condition that is not a message',
      { status: { conditions: [1] } },
      'a runtime condition is not a message',
    ],
    [
      'a status that is not a boolean',
      { status: { conditions: [{ type: 'RuntimeReady', status: 'true', reason: '', message: '' }] } },
      'condition status is not a boolean',
    ],
    [
      'a type that is not a string',
      { status: { conditions: [{ type: 7, status: true, reason: '', message: '' }] } },
      'condition type is not a string',
    ],
  ])('rejects %s with a readable reason', (_case, response, reason) => {
    expect(() => parseStatusResponse(response)).toThrow(new CriResponseError(reason));
  });
});

describe('conditionStatus and describeCondition', () => {
  it('finds a condition by type, null when the runtime did not report it', () => {
    expect(conditionStatus(CONTAINERD_CONDITIONS, RUNTIME_READY)).toBe(true);
    expect(conditionStatus(CONTAINERD_CONDITIONS, NETWORK_READY)).toBe(false);
    expect(conditionStatus(CONTAINERD_CONDITIONS, 'Other')).toBeNull();
  });

  it('joins reason and message, or says there was none', () => {
    expect(describeCondition(CONTAINERD_CONDITIONS[1] as RuntimeCondition)).toBe(
      'NetworkPluginNotReady: Network plugin returns error: cni plugin not initialized',
    );
    expect(describeCondition(condition(NETWORK_READY, false, 'NoCni'))).toBe('NoCni');
    expect(describeCondition(condition(NETWORK_READY, false, '', 'no config'))).toBe('no config');
    expect(describeCondition(condition(NETWORK_READY, false))).toBe('no reason given');
  });
});
