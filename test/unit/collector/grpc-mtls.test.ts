import { type ChannelCredentials, credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentServiceClient } from '../../../proto/gen/nodedoc/v1/AgentService.js';
import { type Certificate, selfSignedCertificate } from '../../harness/certificates.js';
import { requires } from '../../harness/system-requirements.js';
import { AgentStream, agentServiceClient, hello, report } from './agent-client-support.js';
import { getJson, startTestCollector, type TestCollector } from './collector-test-support.js';

/**
 * mTLS with certificates made by the real openssl at test time. Each client certificate is self-signed and
 * the collector's CA bundle holds the trusted ones, so every certificate is its own trust anchor.
 */
/** The name in the collector's certificate; clients dial 127.0.0.1 and verify this name. */
const SERVER_NAME = 'nodedoc-collector.test';
const NAME_OVERRIDE = { 'grpc.ssl_target_name_override': SERVER_NAME };

describe.skipIf(requires({ commands: ['openssl'] }))('gRPC with mTLS', () => {
  let server: Certificate;
  const clients: Record<string, Certificate> = {};
  let harness: TestCollector;
  const open: AgentServiceClient[] = [];

  const subjects = {
    plain: { subject: '/CN=worker-1' },
    kubelet: { subject: '/O=system:nodes/CN=system:node:worker-2' },
    san: { subject: '/CN=Worker Three', subjectAltName: 'DNS:worker-3,DNS:worker-3.example' },
    nobody: { subject: '/CN=Some Person' },
    untrusted: { subject: '/CN=worker-1' },
  } as const;

  function channel(name: keyof typeof subjects): ChannelCredentials {
    const client = clients[name];
    if (!client) throw new Error(`no certificate ${name}`);
    return credentials.createSsl(
      Buffer.from(server.certPem),
      Buffer.from(client.keyPem),
      Buffer.from(client.certPem),
    );
  }

  function agent(name: keyof typeof subjects): AgentServiceClient {
    const client = agentServiceClient(harness.grpcTarget, channel(name), NAME_OVERRIDE);
    open.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await selfSignedCertificate({
      days: 2,
      subject: '/CN=nodedoc-collector',
      subjectAltName: `DNS:${SERVER_NAME}`,
    });
    for (const [name, options] of Object.entries(subjects)) {
      clients[name] = await selfSignedCertificate({ days: 2, ...options });
    }
    const trusted = ['plain', 'kubelet', 'san', 'nobody']
      .map((name) => clients[name]?.certPem ?? '')
      .join('');
    harness = await startTestCollector({
      tls: { cert: Buffer.from(server.certPem), key: Buffer.from(server.keyPem), ca: Buffer.from(trusted) },
    });
    await harness.collector.serving;
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await harness.cleanup();
  });

  it('takes the node from the certificate CN and stores as usual', async () => {
    const stream = new AgentStream(agent('plain'));
    expect(await stream.hello(hello('worker-1'))).toBe('0');
    expect(await stream.batch([report(1)], 2)).toBe('1');
    stream.end();
    expect((await stream.status).code).toBe(status.OK);
  });

  it('refuses a hello naming another node with PERMISSION_DENIED', async () => {
    const stream = new AgentStream(agent('plain'));
    stream.send({ hello: hello('worker-9') });
    expect(await stream.status).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'hello names node worker-9 but the client certificate is for worker-1',
    });
    expect((await getJson(harness.httpBase, '/api/v1/nodes/worker-9')).status).toBe(404);
  });

  it('fills an empty node name from the certificate', async () => {
    const stream = new AgentStream(agent('plain'));
    expect(await stream.hello(hello(''))).toBe('1');
    stream.end();
  });

  it('reads a Kubernetes node certificate (CN=system:node:NAME) and a DNS SAN when the CN is no node name', async () => {
    const kubelet = new AgentStream(agent('kubelet'));
    await kubelet.hello(hello('worker-2'));
    const san = new AgentStream(agent('san'));
    await san.hello(hello('worker-3'));
    const other = new AgentStream(agent('san'));
    other.send({ hello: hello('worker-3.example') });
    expect((await other.status).code).toBe(status.PERMISSION_DENIED);
    kubelet.end();
    san.end();
    const { body } = await getJson(harness.httpBase, '/api/v1/nodes');
    expect((body as { node: string }[]).map((node) => node.node)).toEqual([
      'worker-1',
      'worker-2',
      'worker-3',
    ]);
  });

  it('refuses a certificate that names no node', async () => {
    const stream = new AgentStream(agent('nobody'));
    stream.send({ hello: hello('some-person') });
    expect(await stream.status).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: expect.stringMatching(/^the client certificate names no node/),
    });
  });

  it('never lets a client with an untrusted certificate, or none, complete the handshake', async () => {
    const untrusted = new AgentStream(agent('untrusted'));
    untrusted.send({ hello: hello('worker-1') });
    expect((await untrusted.status).code).toBe(status.UNAVAILABLE);
    const anonymous = agentServiceClient(
      harness.grpcTarget,
      credentials.createSsl(Buffer.from(server.certPem)),
    );
    open.push(anonymous);
    const stream = new AgentStream(anonymous);
    stream.send({ hello: hello('worker-1') });
    expect((await stream.status).code).toBe(status.UNAVAILABLE);
  });
});
