import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCollectorConfig } from '../../../collector/config/collector-config.js';
import { COLLECTOR_FLAGS } from '../../../collector/config/collector-flags.js';
import { resolveKubernetes } from '../../../collector/kube/cluster-connection.js';
import { runbookUrl } from '../../../collector/runbook-url.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { UsageError } from '../../../common/cli/usage-error.js';

const build = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  buildCollectorConfig(parseFlags(COLLECTOR_FLAGS, argv, env), env);

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
      diagnosis: {
        fleetShare: 0.5,
        fleetMinNodes: 3,
        eventWindowMs: 15 * 60_000,
        clockSkewWarningMs: 1_000,
        clockSkewCriticalMs: 30_000,
      },
      kubernetes: {
        connection: undefined,
        reason: 'no --kubeconfig, KUBECONFIG or in-cluster service account',
      },
    });
  });

  it('reads the diagnosis knobs: fleet share and size, event window, clock-skew thresholds', () => {
    expect(
      build([
        '--fleet-share',
        '0.25',
        '--fleet-min-nodes',
        '5',
        '--event-window',
        '1h',
        '--clock-skew-warning',
        '500ms',
        '--clock-skew-critical',
        '1m',
      ]).diagnosis,
    ).toEqual({
      fleetShare: 0.25,
      fleetMinNodes: 5,
      eventWindowMs: 3_600_000,
      clockSkewWarningMs: 500,
      clockSkewCriticalMs: 60_000,
    });
    expect(build([], { NODEDOC_FLEET_SHARE: '1', NODEDOC_EVENT_WINDOW: '5m' }).diagnosis).toMatchObject({
      fleetShare: 1,
      eventWindowMs: 300_000,
    });
  });

  it.each([
    [['--fleet-share', '0'], '--fleet-share 0: expected a ratio in (0, 1], like 0.5'],
    [['--fleet-share', '1.5'], '--fleet-share 1.5: expected a ratio in (0, 1]'],
    [['--fleet-share', 'half'], '--fleet-share half: expected a ratio'],
    [['--fleet-min-nodes', '1'], '--fleet-min-nodes 1: expected a whole number of at least 2'],
    [['--fleet-min-nodes', '2.5'], '--fleet-min-nodes 2.5: expected a whole number'],
    [['--event-window', 'soon'], '--event-window soon: expected a positive duration, like 15m'],
    [['--event-window', '0s'], '--event-window 0s: expected a positive duration'],
    [
      ['--clock-skew-warning', '10s', '--clock-skew-critical', '5s'],
      'must not be below --clock-skew-warning',
    ],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => build(argv)).toThrow(UsageError);
    expect(() => build(argv)).toThrow(message);
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

describe('collector configuration: the Kubernetes cluster', () => {
  const kubeconfig = (server: string, context = 'ops') =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: prod',
      '  cluster:',
      `    server: ${server}`,
      'contexts:',
      '- name: ops',
      '  context: {cluster: prod, user: admin}',
      `current-context: ${context}`,
      'users:',
      '- name: admin',
      '  user: {token: abc}',
      '',
    ].join('\n');

  beforeAll(async () => {
    await writeFile(join(dir, 'kubeconfig'), kubeconfig('https://10.0.0.1:6443'));
    await writeFile(join(dir, 'other'), kubeconfig('https://10.0.0.2:6443'));
    await writeFile(join(dir, 'no-context'), kubeconfig('https://10.0.0.1:6443', ''));
    await writeFile(join(dir, 'missing-context'), kubeconfig('https://10.0.0.1:6443', 'staging'));
    await writeFile(join(dir, 'bad-server'), kubeconfig('10.0.0.1:6443'));
    await writeFile(join(dir, 'not-yaml'), 'clusters: [unclosed\n');
    await writeFile(join(dir, 'token'), 'service-account-token\n');
  });

  const connection = (argv: string[], env: NodeJS.ProcessEnv = {}) => build(argv, env).kubernetes.connection;

  it('reads --kubeconfig (or NODEDOC_KUBECONFIG) first, then the first file of KUBECONFIG', () => {
    const flag = connection(['--kubeconfig', join(dir, 'kubeconfig')], { KUBECONFIG: join(dir, 'other') });
    expect(flag).toMatchObject({ source: join(dir, 'kubeconfig'), server: 'https://10.0.0.1:6443' });
    expect(connection([], { NODEDOC_KUBECONFIG: join(dir, 'kubeconfig') })?.server).toBe(
      'https://10.0.0.1:6443',
    );
    expect(connection([], { KUBECONFIG: `${join(dir, 'other')}:${join(dir, 'kubeconfig')}` })?.server).toBe(
      'https://10.0.0.2:6443',
    );
  });

  it('prefers a kubeconfig to the in-cluster service account, which it uses inside a pod', () => {
    const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(connection([], { ...inPod, KUBECONFIG: join(dir, 'other') })?.server).toBe(
      'https://10.0.0.2:6443',
    );
    // The real service account path does not exist on this machine: no cluster, and the reason says why.
    expect(build([], inPod).kubernetes).toEqual({
      connection: undefined,
      reason:
        'KUBERNETES_SERVICE_HOST is set but there is no service account token at /var/run/secrets/kubernetes.io/serviceaccount/token (automountServiceAccountToken: false?)',
    });
    const resolved = resolveKubernetes({
      mode: 'auto',
      kubeconfigFlag: undefined,
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
      tokenPath: join(dir, 'token'),
    });
    expect(resolved.connection).toMatchObject({ source: 'in-cluster', server: 'https://[fd00::1]:6443' });
  });

  it('never talks to a cluster with --kubernetes off', () => {
    expect(build(['--kubernetes', 'off', '--kubeconfig', join(dir, 'kubeconfig')]).kubernetes).toEqual({
      connection: undefined,
      reason: '--kubernetes off',
    });
  });

  it.each([
    [['--kubernetes', 'on'], '--kubernetes on: expected one of auto, off'],
    [['--kubeconfig', ''], '--kubeconfig must not be empty'],
    [
      ['--kubeconfig', '/nonexistent/kubeconfig'],
      '--kubeconfig /nonexistent/kubeconfig: cannot read it as a kubeconfig (ENOENT)',
    ],
    [['--kubeconfig', 'NO-CONTEXT'], '--kubeconfig NO-CONTEXT: no current-context set'],
    [
      ['--kubeconfig', 'MISSING-CONTEXT'],
      '--kubeconfig MISSING-CONTEXT: context "staging" names no cluster found in the file',
    ],
    [['--kubeconfig', 'BAD-SERVER'], '--kubeconfig BAD-SERVER: cluster "prod" has no valid server URL'],
  ])('%j is a usage error: %s', (argv, message) => {
    const paths: Record<string, string> = {
      'NO-CONTEXT': join(dir, 'no-context'),
      'MISSING-CONTEXT': join(dir, 'missing-context'),
      'BAD-SERVER': join(dir, 'bad-server'),
    };
    const swap = (text: string) =>
      text.replace(/NO-CONTEXT|MISSING-CONTEXT|BAD-SERVER/, (key) => paths[key] ?? key);
    expect(() => build(argv.map(swap))).toThrow(new UsageError(swap(message)));
  });

  it('names the file and the YAML problem for a kubeconfig that does not parse', () => {
    expect(() => build(['--kubeconfig', join(dir, 'not-yaml')])).toThrow(
      new RegExp(`^--kubeconfig ${join(dir, 'not-yaml')}: cannot read it as a kubeconfig \\(.+\\)$`),
    );
    expect(() => build([], { KUBECONFIG: join(dir, 'nope') })).toThrow(
      `KUBECONFIG ${join(dir, 'nope')}: cannot read it as a kubeconfig (ENOENT)`,
    );
  });
});
