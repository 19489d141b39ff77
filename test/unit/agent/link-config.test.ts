import { describe, expect, it } from 'vitest';
import { type AgentConfig, buildAgentConfig } from '../../../agent/config/agent-config.js';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { UsageError } from '../../../common/cli/usage-error.js';
import { runAgent } from '../../harness/agent-process.js';
import { requires } from '../../harness/system-requirements.js';
import { createTestPki } from './link-test-support.js';

/** The link's flags: --collector, --spool-max-bytes and the mTLS trio, from the command line and NODEDOC_*. */

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

describe('link flags', () => {
  it('default to no collector (the agent stays local), a 64 MiB spool cap and no TLS', () => {
    const config = build([]);
    expect(config.collector).toBeUndefined();
    expect(config.spoolMaxBytes).toBe(64 * 1024 * 1024);
    expect(config.tls).toBeUndefined();
  });

  it.each([
    ['nodedoc-collector.nodedoc.svc:50051', 'nodedoc-collector.nodedoc.svc:50051'],
    ['10.0.0.5:50051', '10.0.0.5:50051'],
    ['[fd00::5]:50051', '[fd00::5]:50051'],
  ])('take --collector %s as the gRPC target %s', (flag, target) => {
    expect(build(['--collector', flag]).collector).toBe(target);
    expect(build([], { NODEDOC_COLLECTOR: flag }).collector).toBe(target);
  });

  it.each([[':50051'], ['collector'], ['collector:0'], ['collector:70000'], ['http://collector:50051']])(
    'refuse --collector %s with one line',
    (flag) => {
      expect(usageMessage(['--collector', flag])).toBe(
        `--collector ${flag}: expected HOST:PORT, e.g. nodedoc-collector:50051 or 10.0.0.5:50051`,
      );
    },
  );

  it('take --spool-max-bytes as a Kubernetes quantity, at least 256 KiB', () => {
    expect(build(['--spool-max-bytes', '1Gi']).spoolMaxBytes).toBe(2 ** 30);
    expect(build([], { NODEDOC_SPOOL_MAX_BYTES: '512Ki' }).spoolMaxBytes).toBe(512 * 1024);
    expect(usageMessage(['--spool-max-bytes', '100k'])).toBe(
      '--spool-max-bytes 100k: expected a size of at least 256 KiB, e.g. 64Mi',
    );
    expect(usageMessage(['--spool-max-bytes', 'lots'])).toBe(
      '--spool-max-bytes lots: expected a size of at least 256 KiB, e.g. 64Mi',
    );
  });

  it('want all three TLS files or none, and TLS only with a collector', () => {
    expect(usageMessage(['--collector', 'c:1', '--tls-cert', '/a.pem'])).toBe(
      '--tls-cert, --tls-key and --tls-ca go together: --tls-key and --tls-ca missing',
    );
    expect(usageMessage(['--collector', 'c:1', '--tls-cert', '/a', '--tls-key', '/b'])).toBe(
      '--tls-cert, --tls-key and --tls-ca go together: --tls-ca missing',
    );
    expect(usageMessage(['--tls-cert', '/a', '--tls-key', '/b', '--tls-ca', '/c'])).toBe(
      '--tls-cert, --tls-key and --tls-ca need --collector',
    );
    expect(
      usageMessage([
        '--collector',
        'c:1',
        '--tls-cert',
        '/nonexistent/a',
        '--tls-key',
        '/b',
        '--tls-ca',
        '/c',
      ]),
    ).toBe('--tls-cert /nonexistent/a: cannot read it (ENOENT)');
  });

  it('leave TLS files unchecked in --once, which never connects (a DaemonSet environment must not break it)', () => {
    const env = { NODEDOC_TLS_CERT: '/nonexistent/a', NODEDOC_TLS_KEY: '/b', NODEDOC_TLS_CA: '/c' };
    expect(build(['--once'], env).tls).toEqual({ certPath: '/nonexistent/a', keyPath: '/b', caPath: '/c' });
  });

  it('exit 2 with one line from the built agent', async () => {
    const result = await runAgent(['--collector', 'c:1', '--tls-key', '/k.pem']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "nodedoc-agent: --tls-cert, --tls-key and --tls-ca go together: --tls-cert and --tls-ca missing\nTry 'nodedoc-agent --help'.\n",
    );
  });
});

describe.skipIf(requires({ commands: ['openssl'] }))('TLS files', () => {
  it('are accepted as a certificate, its key and a CA', async () => {
    const pki = await createTestPki('test CA');
    try {
      const client = await pki.issue('node', '/CN=system:node:worker-1');
      const config = build([
        '--collector',
        'c:1',
        '--tls-cert',
        client.certPath,
        '--tls-key',
        client.keyPath,
        '--tls-ca',
        pki.caPath,
      ]);
      expect(config.tls).toEqual({ certPath: client.certPath, keyPath: client.keyPath, caPath: pki.caPath });
    } finally {
      await pki.remove();
    }
  });

  it('are refused when the key does not belong to the certificate, without printing the key', async () => {
    const pki = await createTestPki('test CA');
    try {
      const one = await pki.issue('one', '/CN=one');
      const two = await pki.issue('two', '/CN=two');
      const message = usageMessage([
        '--collector',
        'c:1',
        '--tls-cert',
        one.certPath,
        '--tls-key',
        two.keyPath,
        '--tls-ca',
        pki.caPath,
      ]);
      expect(message).toMatch(
        /^--tls-cert\/--tls-key\/--tls-ca: not a usable certificate, key and CA \(.+\)$/,
      );
      expect(message).not.toContain('PRIVATE KEY');
    } finally {
      await pki.remove();
    }
  });
});
