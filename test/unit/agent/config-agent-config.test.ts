import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type AgentConfig, buildAgentConfig } from '../../../agent/config/agent-config.js';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { defaultThresholds } from '../../../agent/config/thresholds.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { UsageError } from '../../../common/cli/usage-error.js';

/** Command line and environment through the same path main.ts takes. */
function build(argv: readonly string[], env: NodeJS.ProcessEnv = {}): AgentConfig {
  return buildAgentConfig(parseFlags(AGENT_FLAGS, argv, env), env);
}

function usageMessage(argv: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    build(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('buildAgentConfig defaults', () => {
  const config = build([]);

  it('runs continuously every 10 s, rooted at /, serving metrics on :9101', () => {
    expect(config.once).toBe(false);
    expect(config.json).toBe(false);
    expect(config.intervalMs).toBe(10_000);
    expect(config.hostRoot).toBe('/');
    expect(config.metricsListen).toEqual({ host: undefined, port: 9101 });
    expect(config.logLevel).toBe('info');
  });

  it('watches the kubelet root, the image store and / with their roles, none named by the user', () => {
    expect(config.diskPaths).toEqual([
      { path: '/var/lib/kubelet', role: 'nodefs', explicit: false },
      { path: '/var/lib/containerd', role: 'imagefs', explicit: false },
      { path: '/', role: 'rootfs', explicit: false },
    ]);
  });

  it('uses the default endpoints, marked as not explicit (absent rather than down when missing)', () => {
    expect(config.kubeletHealthzUrl).toEqual({ value: 'http://127.0.0.1:10248/healthz', explicit: false });
    expect(config.kubeletClientCert).toEqual({
      value: '/var/lib/kubelet/pki/kubelet-client-current.pem',
      explicit: false,
    });
    expect(config.criSocket).toBeUndefined();
    expect(config.apiserverUrl).toBeUndefined();
    expect(config.dnsServers).toEqual([]);
    expect(config.dnsProbeUpstream).toBe(false);
  });

  it('has the timeouts of the brief and every threshold at its default', () => {
    expect(config.probeTimeoutMs).toBe(5000);
    expect(config.dnsTimeoutMs).toBe(2000);
    expect(config.dnsWindowMs).toBe(60_000);
    expect(config.eventHoldMs).toBe(300_000);
    expect(config.thresholds).toEqual(defaultThresholds());
  });

  it('takes the node name from NODE_NAME, then the hostname', () => {
    expect(build([], { NODE_NAME: 'node-7' }).nodeName).toBe('node-7');
    expect(config.nodeName).toBe(hostname());
    expect(build(['--node-name', ' node-8 '], { NODE_NAME: 'node-7' }).nodeName).toBe('node-8');
  });

  it('samples 1 s apart with --once unless --interval says otherwise', () => {
    expect(build(['--once']).intervalMs).toBe(1000);
    expect(build(['--once', '--interval', '250ms']).intervalMs).toBe(250);
  });
});

describe('buildAgentConfig flags', () => {
  it('reads --disk-path PATH=ROLE, defaults the role to nodefs, and marks paths explicit', () => {
    expect(build(['--disk-path', '/x=imagefs']).diskPaths).toEqual([
      { path: '/x', role: 'imagefs', explicit: true },
    ]);
    expect(build(['--disk-path', '/x', '--disk-path', '/y=rootfs']).diskPaths).toEqual([
      { path: '/x', role: 'nodefs', explicit: true },
      { path: '/y', role: 'rootfs', explicit: true },
    ]);
    // Only the last "=" separates the role, so paths may contain "=".
    expect(build(['--disk-path', '/data/a=b=imagefs']).diskPaths[0]?.path).toBe('/data/a=b');
  });

  it('reads repeatable flags from comma-separated environment', () => {
    expect(
      build([], { NODEDOC_DISK_PATH: '/a=nodefs,/b=imagefs' }).diskPaths.map((disk) => disk.path),
    ).toEqual(['/a', '/b']);
  });

  it('rejects a bad disk role or a relative path, naming the choices', () => {
    expect(usageMessage(['--disk-path', '/x=scratch'])).toBe(
      '--disk-path /x=scratch: role must be one of nodefs, imagefs, rootfs',
    );
    expect(usageMessage(['--disk-path', 'var/lib/kubelet'])).toBe(
      '--disk-path var/lib/kubelet: the path must be absolute',
    );
  });

  it.each([
    ['10.96.0.10', { host: '10.96.0.10', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['[fd00::a]:53', { host: 'fd00::a', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['[fd00::a]', { host: 'fd00::a', port: 53 }],
    ['fd00::a', { host: 'fd00::a', port: 53 }],
    ['::1', { host: '::1', port: 53 }],
  ])('reads --dns-server %s', (text, address) => {
    expect(build(['--dns-server', text]).dnsServers).toEqual([address]);
  });

  it.each([
    'example.com',
    '10.96.0.10:0',
    '10.96.0.10:65536',
    '10.96.0.10:abc',
    ':53',
    '999.1.1.1',
    '1.2.3',
    '[fd00::zz]',
    'fd00:::a:::',
  ])('rejects --dns-server %s with the expected form in the message', (text) => {
    expect(usageMessage(['--dns-server', text])).toBe(
      `--dns-server ${text}: expected IP[:PORT], e.g. 10.96.0.10 or 127.0.0.1:5353`,
    );
  });

  it('makes DNS names absolute', () => {
    expect(build(['--dns-name', 'example.com', '--dns-name', 'k8s.io.']).dnsNames).toEqual([
      'example.com.',
      'k8s.io.',
    ]);
  });

  it('marks endpoints given by flag as explicit', () => {
    const config = build([
      '--kubelet-healthz-url',
      'http://127.0.0.1:1/healthz',
      '--kubelet-client-cert',
      '/etc/kubernetes/kubelet.pem',
      '--apiserver-url',
      'https://10.0.0.1:6443',
    ]);
    expect(config.kubeletHealthzUrl).toEqual({ value: 'http://127.0.0.1:1/healthz', explicit: true });
    expect(config.kubeletClientCert).toEqual({ value: '/etc/kubernetes/kubelet.pem', explicit: true });
    expect(config.apiserverUrl).toBe('https://10.0.0.1:6443');
  });

  it('rejects URLs that are not http(s)', () => {
    expect(usageMessage(['--kubelet-healthz-url', 'ftp://x/healthz'])).toBe(
      '--kubelet-healthz-url ftp://x/healthz: expected an http:// or https:// URL',
    );
    expect(usageMessage(['--apiserver-url', 'not a url'])).toBe(
      '--apiserver-url not a url: expected an http:// or https:// URL',
    );
  });

  it('applies --threshold overrides in base units, including percentages', () => {
    const { thresholds } = build([
      '--threshold',
      'memory-psi-full-ratio=10%',
      '--threshold',
      'memory-available-bytes=200Mi',
      '--threshold',
      'certificate-warning-seconds=3d',
      '--threshold',
      'disk-await-seconds=250ms',
      '--threshold',
      'kubelet-failures=3',
      '--threshold',
      'pids-critical-ratio=0.95',
    ]);
    expect(thresholds).toEqual({
      ...defaultThresholds(),
      'memory-psi-full-ratio': 0.1,
      'memory-available-bytes': 200 * 2 ** 20,
      'certificate-warning-seconds': 3 * 86_400,
      'disk-await-seconds': 0.25,
      'kubelet-failures': 3,
      'pids-critical-ratio': 0.95,
    });
  });

  it('reads thresholds from NODEDOC_THRESHOLD as a comma-separated list', () => {
    const { thresholds } = build([], {
      NODEDOC_THRESHOLD: 'io-psi-full-ratio=30%, cpu-psi-some-warning-ratio=0.5',
    });
    expect(thresholds['io-psi-full-ratio']).toBeCloseTo(0.3, 12);
    expect(thresholds['cpu-psi-some-warning-ratio']).toBe(0.5);
  });

  it('names every known key when a threshold key is unknown', () => {
    const message = usageMessage(['--threshold', 'memory-free=1']);
    expect(message).toMatch(/^--threshold memory-free=1: unknown key 'memory-free' \(known: .*\)$/);
    for (const key of Object.keys(defaultThresholds())) expect(message).toContain(key);
  });

  it.each([
    ['memory-psi-full-ratio=150%', 'a ratio like 0.1 or 10%'],
    ['memory-psi-full-ratio=1.5', 'a ratio like 0.1 or 10%'],
    ['memory-psi-full-ratio=-0.1', 'a ratio like 0.1 or 10%'],
    ['memory-psi-full-ratio=%', 'a ratio like 0.1 or 10%'],
    ['memory-psi-full-ratio=', 'a ratio like 0.1 or 10%'],
    ['memory-available-bytes=lots', 'a size like 100Mi'],
    ['disk-await-seconds=5x', 'a duration like 250ms or 7d'],
    ['kubelet-failures=0', 'a whole number of at least 1'],
    ['kubelet-failures=1.5', 'a whole number of at least 1'],
  ])('rejects --threshold %s, saying what a value looks like', (override, hint) => {
    expect(usageMessage(['--threshold', override])).toBe(`--threshold ${override}: expected ${hint}`);
  });

  it('rejects a threshold without "="', () => {
    expect(usageMessage(['--threshold', 'kubelet-failures'])).toBe(
      '--threshold kubelet-failures: expected KEY=VALUE',
    );
  });

  it('rejects --json without --once: continuous mode has no single document to print', () => {
    expect(usageMessage(['--json'])).toBe(
      '--json only applies to --once (continuous mode logs JSON already)',
    );
    expect(build(['--once', '--json']).json).toBe(true);
  });

  it.each([
    [['--interval', '5x'], '--interval 5x: expected a duration like 500ms, 10s or 5m (at least 100ms)'],
    [['--interval', '50ms'], '--interval 50ms: expected a duration like 500ms, 10s or 5m (at least 100ms)'],
    [['--dns-timeout=-1s'], '--dns-timeout -1s: expected a duration like 500ms, 10s or 5m'],
    [
      ['--log-level', 'loud'],
      '--log-level loud: expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [['--host-root', 'host'], '--host-root host: the path must be absolute'],
    [['--metrics-listen', '9101'], '--metrics-listen 9101: expected HOST:PORT or :PORT'],
    [['--node-name', '  '], '--node-name must not be empty'],
  ])('rejects %j', (argv, message) => {
    expect(usageMessage(argv)).toBe(message);
  });

  it('allows an event hold of 0 (events are findings for one cycle only)', () => {
    expect(build(['--event-hold', '0']).eventHoldMs).toBe(0);
  });
});
