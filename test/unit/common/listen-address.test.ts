import { describe, expect, it } from 'vitest';
import { formatListenAddress, parseListenAddress } from '../../../common/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    [':9101', { host: undefined, port: 9101 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
    ['0.0.0.0:65535', { host: '0.0.0.0', port: 65_535 }],
    ['[::1]:9101', { host: '::1', port: 9101 }],
    ['[::]:80', { host: '::', port: 80 }],
    [' :9101 ', { host: undefined, port: 9101 }],
  ])('%j', (text, address) => {
    expect(parseListenAddress(text)).toEqual(address);
  });

  it.each(['', '9101', 'host', 'host:', ':65536', ':123456', '::1:80', '[::1]', 'host:port', '[::1:80'])(
    'rejects %j',
    (text) => {
      expect(parseListenAddress(text)).toBeUndefined();
    },
  );
});

describe('formatListenAddress', () => {
  it('brackets IPv6 hosts and shows "all interfaces" as 0.0.0.0', () => {
    expect(formatListenAddress({ host: '::1', port: 9101 })).toBe('[::1]:9101');
    expect(formatListenAddress({ host: '127.0.0.1', port: 80 })).toBe('127.0.0.1:80');
    expect(formatListenAddress({ port: 80 })).toBe('0.0.0.0:80');
  });

  it('round-trips through parseListenAddress for explicit hosts', () => {
    for (const address of [
      { host: '::1', port: 1 },
      { host: '10.0.0.1', port: 50_051 },
      { host: 'localhost', port: 0 },
    ]) {
      expect(parseListenAddress(formatListenAddress(address))).toEqual(address);
    }
  });
});
