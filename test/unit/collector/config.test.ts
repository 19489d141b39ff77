import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCollectorConfig } from '../../../collector/config/collector-config.js';
import { COLLECTOR_FLAGS } from '../../../collector/config/collector-flags.js';
import { runbookUrl } from '../../../collector/runbook-url.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { UsageError } from '../../../common/cli/usage-error.js';

const build = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  buildCollectorConfig(parseFlags(COLLECTOR_FLAGS, argv, env));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodedoc-collector-config-'));
  for (const name of ['cert.pem', 'key.pem', 'ca.pem']) await writeFile(join(dir, name), `${name}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('collector configuration', () => {
  it('defaults to the brief: :50051, :8080, ./data, 24h, no TLS', () => {
    expect(build([])).toEqual({
      grpcListen: { host: undefined, port: 50051 },
      httpListen: { host: undefined, port: 8080 },
      dataDir: resolve('./data'),
      retentionMs: 24 * 3_600_000,
      tls: undefined,
      logLevel: 'info',
      externalUrl: new URL(`http://${hostname()}:8080/`),
    });
  });

  it('builds runbook links from --external-url, keeping its path prefix', () => {
    const base = build(['--external-url', 'https://ops.example.com/nodedoc']).externalUrl;
    expect(base.toString()).toBe('https://ops.example.com/nodedoc/');
    expect(runbookUrl(base, 'conntrack-exhaustion')).toBe(
      'https://ops.example.com/nodedoc/runbooks/conntrack-exhaustion',
    );
    expect(build(['--http-listen', '127.0.0.1:9000']).externalUrl.toString()).toBe('http://127.0.0.1:9000/');
    expect(build(['--http-listen', '[::1]:9000']).externalUrl.toString()).toBe('http://[::1]:9000/');
  });

  it.each([
    ['nodedoc.example.com', 'expected an absolute http(s) URL'],
    ['ftp://nodedoc.example.com/', 'expected an http or https URL'],
  ])('rejects --external-url %s', (value, message) => {
    expect(() => build(['--external-url', value])).toThrow(message);
  });

  it('takes flags over NODEDOC_* environment', () => {
    const config = build(['--http-listen', '127.0.0.1:9000'], {
      NODEDOC_HTTP_LISTEN: ':1',
      NODEDOC_GRPC_LISTEN: '[::1]:5000',
      NODEDOC_RETENTION: '90m',
      NODEDOC_DATA_DIR: '/var/lib/nodedoc',
    });
    expect(config).toMatchObject({
      httpListen: { host: '127.0.0.1', port: 9000 },
      grpcListen: { host: '::1', port: 5000 },
      retentionMs: 90 * 60_000,
      dataDir: '/var/lib/nodedoc',
    });
  });

  it('reads the three TLS files when all are given', () => {
    const config = build([
      '--tls-cert',
      join(dir, 'cert.pem'),
      '--tls-key',
      join(dir, 'key.pem'),
      '--tls-ca',
      join(dir, 'ca.pem'),
    ]);
    expect(
      config.tls &&
        Object.fromEntries(Object.entries(config.tls).map(([key, value]) => [key, value.toString()])),
    ).toEqual({
      cert: 'cert.pem\n',
      key: 'key.pem\n',
      ca: 'ca.pem\n',
    });
  });

  it('pushes to no Alertmanager unless --alertmanager-url is given', () => {
    expect(build([]).alertmanager).toBeUndefined();
    expect(build(['--alertmanager-resend-interval', '30s']).alertmanager).toBeUndefined();
  });

  it('takes --alertmanager-url once per Alertmanager, from flags or a comma-separated NODEDOC_ALERTMANAGER_URL', () => {
    const fromFlags = build([
      '--alertmanager-url',
      'http://am-0.monitoring:9093',
      '--alertmanager-url',
      'https://ops.example.com/alertmanager',
    ]).alertmanager;
    expect(fromFlags?.resendIntervalMs).toBe(60_000);
    expect(
      fromFlags?.targets.map((target) => [target.name, target.alertsUrl.href, target.authorization]),
    ).toEqual([
      ['http://am-0.monitoring:9093/', 'http://am-0.monitoring:9093/api/v2/alerts', undefined],
      // A path prefix (Alertmanager's --web.route-prefix behind a proxy) is kept.
      [
        'https://ops.example.com/alertmanager/',
        'https://ops.example.com/alertmanager/api/v2/alerts',
        undefined,
      ],
    ]);
    const fromEnv = build([], {
      NODEDOC_ALERTMANAGER_URL: 'http://am-0:9093/, http://am-1:9093/',
      NODEDOC_ALERTMANAGER_RESEND_INTERVAL: '15s',
    }).alertmanager;
    expect(fromEnv?.targets.map((target) => target.name)).toEqual(['http://am-0:9093/', 'http://am-1:9093/']);
    expect(fromEnv?.resendIntervalMs).toBe(15_000);
  });

  it('turns user:password in an --alertmanager-url into basic auth and keeps it out of the name', () => {
    const [target] =
      build(['--alertmanager-url', 'https://nodedoc:s%3Acret@am.example.com/']).alertmanager?.targets ?? [];
    expect(target?.name).toBe('https://am.example.com/');
    expect(target?.alertsUrl.href).toBe('https://am.example.com/api/v2/alerts');
    expect(target?.authorization).toBe(`Basic ${Buffer.from('nodedoc:s:cret').toString('base64')}`);
  });

  it.each([
    [
      ['--tls-key', '/k', '--tls-ca', '/c'],
      '--tls-cert, --tls-key and --tls-ca go together (mTLS): missing --tls-cert',
    ],
    [['--retention', '59s'], '--retention 59s: expected a duration of at least 1m, like 24h or 90m'],
    [['--grpc-listen', '50051'], '--grpc-listen 50051: expected HOST:PORT or :PORT'],
    [['--data-dir', ' '], '--data-dir must not be empty'],
    [
      ['--alertmanager-url', 'alertmanager:9093'],
      '--alertmanager-url alertmanager:9093: expected an http or https URL',
    ],
    [
      ['--alertmanager-url', 'am.monitoring'],
      '--alertmanager-url am.monitoring: expected an absolute http(s) URL, like http://alertmanager:9093/',
    ],
    [
      ['--alertmanager-url', 'http://am:9093/?x=1'],
      '--alertmanager-url http://am:9093/?x=1: expected a base URL without ?query or #fragment',
    ],
    [
      ['--alertmanager-url', 'http://am:9093', '--alertmanager-url', 'http://am:9093/'],
      '--alertmanager-url http://am:9093/: given twice (every alert would be sent twice)',
    ],
    [
      ['--alertmanager-resend-interval', '500ms'],
      '--alertmanager-resend-interval 500ms: expected a duration of at least 1s, like 1m or 30s',
    ],
    [
      ['--log-level', 'verbose'],
      '--log-level verbose: expected one of fatal, error, warn, info, debug, trace, silent',
    ],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => build(argv)).toThrow(new UsageError(message));
  });
});
