import { describe, expect, it } from 'vitest';
import { CriCallError } from '../../../agent/cri/cri-call-error.js';
import { failureOf, failureOfCode, ProbeError } from '../../../agent/probes/probe-failure.js';

describe('how a probe failed', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ENOENT', 'refused'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNRESET', 'error'],
    ['EPROTO', 'error'],
    [undefined, 'error'],
  ] as const)('socket error %s is %s', (code, failure) => {
    expect(failureOfCode(code)).toBe(failure);
  });

  it('keeps the kind a probe gave its error, and reads a bare errno error by its code', () => {
    expect(failureOf(new ProbeError('no answer within 5ms', 'timeout'))).toBe('timeout');
    expect(failureOf(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(failureOf('a string')).toBe('error');
  });

  it.each([
    ['DEADLINE_EXCEEDED', 'timeout'],
    ['UNAVAILABLE', 'refused'],
    ['UNIMPLEMENTED', 'error'],
    [null, 'error'],
  ] as const)('a CRI call ending %s is %s', (code, failure) => {
    expect(new CriCallError('x', code).failure).toBe(failure);
  });
});
