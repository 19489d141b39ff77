import { describe, expect, it } from 'vitest';
import { Router } from '../../../collector/http/router.js';
import { parseIntegerParameter, parseTimeParameter } from '../../../collector/http/time-parameter.js';

const router = new Router<string>()
  .add('GET', '/', 'root')
  .add('GET', '/api/v1/nodes', 'list')
  .add('GET', '/api/v1/nodes/:node', 'detail')
  .add('DELETE', '/api/v1/nodes/:node', 'delete')
  .add('GET', '/api/v1/nodes/:node/timeline', 'timeline');

describe('Router', () => {
  it('matches exact paths and captures decoded segments', () => {
    expect(router.match('GET', '/')).toEqual({ kind: 'found', handler: 'root', params: {} });
    expect(router.match('GET', '/api/v1/nodes/worker%2D1/timeline')).toEqual({
      kind: 'found',
      handler: 'timeline',
      params: { node: 'worker-1' },
    });
    expect(router.match('DELETE', '/api/v1/nodes/a')).toMatchObject({ kind: 'found', handler: 'delete' });
  });

  it('answers HEAD with the GET handler', () => {
    expect(router.match('HEAD', '/api/v1/nodes')).toMatchObject({ kind: 'found', handler: 'list' });
  });

  it('tells a wrong method (with what is allowed) from an unknown path', () => {
    expect(router.match('POST', '/api/v1/nodes/a')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET', 'DELETE', 'HEAD'],
    });
    for (const path of [
      '/api/v1/nodes/',
      '/api/v1/nodes//timeline',
      '/api/v1',
      '/api/v1/nodes/a/b',
      '/API/v1/nodes',
    ]) {
      expect(router.match('GET', path), path).toEqual({ kind: 'not-found' });
    }
  });

  it('reports a capture that is not valid percent-encoding', () => {
    expect(router.match('GET', '/api/v1/nodes/%E0%A4%A')).toEqual({ kind: 'bad-path', segment: '%E0%A4%A' });
  });
});

describe('time and integer parameters', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);

  it('takes RFC 3339 with a zone, and durations before now', () => {
    expect(parseTimeParameter('since', '2026-11-23T10:00:00Z', now)).toBe(Date.UTC(2026, 10, 23, 10));
    expect(parseTimeParameter('since', '2026-11-23T11:00:00.250+01:00', now)).toBe(
      Date.UTC(2026, 10, 23, 10, 0, 0, 250),
    );
    expect(parseTimeParameter('since', '1h30m', now)).toBe(now - 90 * 60_000);
  });

  it.each([
    '2026-11-23',
    '2026-11-23T10:00:00',
    'yesterday',
    '-1h',
    '1d',
    '',
    '2026-02-30T10:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-00-10T10:00:00Z',
  ])('refuses %j', (text) => {
    expect(() => parseTimeParameter('since', text, now)).toThrow(/^invalid since: /);
  });

  it('takes whole numbers only', () => {
    expect(parseIntegerParameter('limit', '250')).toBe(250);
    for (const text of ['', '1e3', '-5', '2.5', '0x10', '9999999999']) {
      expect(() => parseIntegerParameter('limit', text), text).toThrow(/^invalid limit: /);
    }
  });
});
