import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../cli/api-client.js';
import { CliError } from '../../../cli/cli-error.js';
import { serviceProxy, serviceProxyPath } from '../../../cli/kube-service-proxy.js';
import type { NodeDetailJson } from '../../../common/api/http-v1.js';
import { type Certificate, selfSignedCertificate } from '../../harness/certificates.js';
import { requires } from '../../harness/system-requirements.js';

/**
 * `kubectl nodedoc` without --collector: the CLI reaches the collector through the API server's service proxy,
 * authenticated from a kubeconfig. A fake API server on loopback (HTTPS, checking the client certificate or
 * the bearer token as a real one would) serves the proxied collector paths and answers a kube Status for
 * anything else.
 */

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);
const FIXTURE = JSON.parse(
  readFileSync(new URL('../../fixtures/api/node-detail-kubelet-down.json', import.meta.url), 'utf8'),
) as NodeDetailJson;
const STEP = 'On the node: systemctl status kubelet; journalctl -u kubelet --since -15m';
/** The fixture with a remediation step on its top cause, so `why` has one to print. */
const DETAIL: NodeDetailJson = {
  ...FIXTURE,
  causes: FIXTURE.causes.map((cause, index) => (index === 0 ? { ...cause, remediation: [STEP] } : cause)),
};
const TOKEN = 'test-token-0123456789';
const PROXY = serviceProxyPath('nodedoc', 'nodedoc-collector');

interface Seen {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly clientCn: string | undefined;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe.skipIf(requires({ commands: ['openssl'] }))('the service proxy from a kubeconfig', () => {
  let server: Server;
  let serverCert: Certificate;
  let clientCert: Certificate;
  let origin: string;
  const seen: Seen[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'nodedoc-kube-'));
  const certKubeconfig = join(dir, 'cert.kubeconfig');
  const tokenKubeconfig = join(dir, 'token.kubeconfig');

  function kubeconfig(user: Record<string, string>): string {
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: { server: origin, 'certificate-authority-data': b64(serverCert.certPem) },
        },
      ],
      users: [{ name: 'oncall', user }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'oncall' } }],
      'current-context': 'test',
    });
  }

  beforeAll(async () => {
    serverCert = await selfSignedCertificate({
      days: 1,
      subject: '/CN=kube-apiserver',
      subjectAltName: 'IP:127.0.0.1',
    });
    clientCert = await selfSignedCertificate({ days: 1, subject: '/O=system:masters/CN=oncall' });
    server = createServer(
      {
        key: serverCert.keyPem,
        cert: serverCert.certPem,
        ca: clientCert.certPem,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (request, response) => {
        const socket = request.socket as TLSSocket;
        const clientCn = socket.authorized ? String(socket.getPeerCertificate().subject?.CN) : undefined;
        const path = request.url ?? '';
        seen.push({ path, authorization: request.headers.authorization, clientCn });
        const json = (status: number, body: unknown) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (clientCn === undefined && request.headers.authorization !== `Bearer ${TOKEN}`) {
          json(401, { kind: 'Status', status: 'Failure', message: 'Unauthorized', code: 401 });
        } else if (path === `${PROXY}api/v1/nodes/worker-7`) {
          json(200, DETAIL);
        } else if (path.startsWith(`${PROXY}api/v1/nodes/`)) {
          const node = decodeURIComponent(path.slice(`${PROXY}api/v1/nodes/`.length));
          json(404, {
            error: { code: 'NODE_NOT_FOUND', message: `node ${node} is not known to this collector` },
          });
        } else {
          json(404, {
            kind: 'Status',
            status: 'Failure',
            message: 'services "elsewhere" not found',
            reason: 'NotFound',
            code: 404,
          });
        }
      },
    ).listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      certKubeconfig,
      kubeconfig({
        'client-certificate-data': b64(clientCert.certPem),
        'client-key-data': b64(clientCert.keyPem),
      }),
    );
    writeFileSync(tokenKubeconfig, kubeconfig({ token: TOKEN }));
    symlinkSync(CLI, join(dir, 'kubectl-nodedoc'));
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the proxy URL from the current context, and authenticates with the client certificate', async () => {
    const proxy = serviceProxy({
      namespace: 'nodedoc',
      service: 'nodedoc-collector',
      kubeconfig: certKubeconfig,
    });
    expect(proxy.baseUrl.toString()).toBe(
      `${origin}/api/v1/namespaces/nodedoc/services/http:nodedoc-collector:http/proxy/`,
    );
    expect(proxy.target).toBe(`service nodedoc/nodedoc-collector via ${origin}`);
    const api = new ApiClient(() => proxy, 5_000);
    const detail = await api.get<NodeDetailJson>('/api/v1/nodes/worker-7');
    expect(detail.causes[0]?.id).toBe('kubelet-down');
    expect(seen.at(-1)).toEqual({
      path: `${PROXY}api/v1/nodes/worker-7`,
      authorization: undefined,
      clientCn: 'oncall',
    });
    // Runbook links stay under the proxy path: absolute and openable by the same user.
    expect(api.resolve('/runbooks/kubelet-down')).toBe(`${proxy.baseUrl}runbooks/kubelet-down`);
  });

  it('sends the kubeconfig token as a bearer token', async () => {
    const proxy = serviceProxy({
      namespace: 'nodedoc',
      service: 'nodedoc-collector',
      kubeconfig: tokenKubeconfig,
    });
    const api = new ApiClient(() => proxy, 5_000);
    await api.get('/api/v1/nodes/worker-7');
    expect(seen.at(-1)).toMatchObject({ authorization: `Bearer ${TOKEN}`, clientCn: undefined });
  });

  it("passes on the API server's own answer (a missing Service), naming where it asked", async () => {
    const proxy = serviceProxy({ namespace: 'other', service: 'elsewhere', kubeconfig: tokenKubeconfig });
    const api = new ApiClient(() => proxy, 5_000);
    const error = await api.get('/api/v1/nodes').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `the API server, asked for service other/elsewhere via ${origin}: services "elsewhere" not found`,
    );
    expect(seen.at(-1)?.path).toBe(
      '/api/v1/namespaces/other/services/http:elsewhere:http/proxy/api/v1/nodes',
    );
  });

  it('an unknown context or an unreadable kubeconfig is one clear error', () => {
    expect(() =>
      serviceProxy({ namespace: 'n', service: 's', kubeconfig: certKubeconfig, context: 'prod' }),
    ).toThrow(new CliError('the kubeconfig has no context prod'));
    expect(() => serviceProxy({ namespace: 'n', service: 's', kubeconfig: join(dir, 'missing') })).toThrow(
      /^cannot read the kubeconfig: ENOENT/,
    );
  });

  describe('kubectl-nodedoc (the built binary under its plugin name)', () => {
    async function kubectlNodedoc(...args: string[]) {
      return kubectlNodedocWith(certKubeconfig, ...args);
    }

    async function kubectlNodedocWith(kubeconfigPath: string, ...args: string[]) {
      try {
        const { stdout, stderr } = await run(process.execPath, [join(dir, 'kubectl-nodedoc'), ...args], {
          env: { ...process.env, KUBECONFIG: kubeconfigPath, NODEDOC_COLLECTOR: '', NO_COLOR: '' },
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    }

    it('why NODE: status, ranked causes, evidence, remediation and the absolute runbook link', async () => {
      const { code, stdout, stderr } = await kubectlNodedoc('why', 'worker-7');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.split('\n');
      expect(lines[0]).toMatch(/^worker-7 {2}NotReady {2}last seen .+ {2}boot 8646e5bc$/);
      expect(stdout).toContain('1. kubelet-down  critical  confidence 1.00');
      expect(stdout).toContain('   evidence:');
      expect(stdout).toContain(`   what to do:\n     1. ${STEP}`);
      expect(stdout).toContain(
        `   runbook: ${origin}/api/v1/namespaces/nodedoc/services/http:nodedoc-collector:http/proxy/runbooks/kubelet-down`,
      );
      expect(stdout).not.toContain('\u001b[');
    });

    it('an unknown node is one line on stderr and exit 1', async () => {
      const { code, stdout, stderr } = await kubectlNodedoc('why', 'ghost');
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe('kubectl nodedoc: node ghost is not known to this collector\n');
    });

    it('--namespace and --service choose another Service; the API server’s refusal is one line, exit 1', async () => {
      const { code, stderr } = await kubectlNodedoc('-n', 'other', '--service', 'elsewhere', 'nodes');
      expect(code).toBe(1);
      expect(stderr).toBe(
        `kubectl nodedoc: the API server, asked for service other/elsewhere via ${origin}: services "elsewhere" not found\n`,
      );
    });

    it('runbook needs no cluster; a command that does names the unreadable kubeconfig, exit 1', async () => {
      const missing = join(dir, 'missing.kubeconfig');
      const runbook = await kubectlNodedocWith(missing, 'runbook', 'kubelet-down');
      expect(runbook.stderr).toBe('');
      expect(runbook.code).toBe(0);
      expect(runbook.stdout).toContain('kubelet');
      const nodes = await kubectlNodedocWith(missing, 'nodes');
      expect(nodes.code).toBe(1);
      expect(nodes.stderr).toMatch(/^kubectl nodedoc: cannot read the kubeconfig: ENOENT[^\n]*\n$/);
    });

    it('bad usage is exit 2 with the usage under the plugin name', async () => {
      const { code, stderr } = await kubectlNodedoc('why');
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe('kubectl nodedoc: why needs NODE');
      expect(stderr).toContain('kubectl nodedoc [flags] why NODE');
    });

    it('--collector still wins over the kubeconfig', async () => {
      const { code, stderr } = await kubectlNodedoc('--collector', 'http://127.0.0.1:1', 'nodes');
      expect(code).toBe(1);
      expect(stderr).toBe('kubectl nodedoc: cannot reach the collector at http://127.0.0.1:1: bad port\n');
    });
  });
});
