/**
 * The real collector (gRPC, HTTP, SQLite on loopback) wired to test/harness/fake-apiserver.ts — a local
 * HTTPS server speaking the API server's list/watch protocol for Nodes and storing Events, with objects
 * recorded in the API's JSON shapes (test/fixtures/kubernetes/).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_READINESS } from '../../../../collector/diagnosis/node-readiness.js';
import { resolveKubernetes } from '../../../../collector/kube/cluster-connection.js';
import {
  type FakeApiServer,
  type JsonObject,
  nodeObject,
  startFakeApiServer,
} from '../../../harness/fake-apiserver.js';
import { parseExposition } from '../../../harness/metrics-text.js';
import { promtoolCheckMetrics } from '../../../harness/promtool.js';
import { requires } from '../../../harness/system-requirements.js';
import { waitFor } from '../../../harness/wait-for.js';
import { AgentStream, agentServiceClient, finding, hello, report } from '../agent-client-support.js';
import { getJson, startTestCollector, type TestCollector } from '../collector-test-support.js';

let server: FakeApiServer;
let collector: TestCollector | undefined;

beforeEach(async () => {
  server = await startFakeApiServer();
});
afterEach(async () => {
  await collector?.cleanup();
  collector = undefined;
  await server.close();
});

async function startWithCluster(): Promise<TestCollector> {
  collector = await startTestCollector({
    kubernetes: resolveKubernetes({ mode: 'auto', kubeconfigFlag: server.kubeconfigPath, env: {} }),
    hooks: { kubernetesWatch: { backoffBaseMs: 20, backoffCapMs: 200 } },
  });
  await collector.collector.serving;
  return collector;
}

async function metric(base: string, name: string): Promise<number[]> {
  const response = await fetch(`${base}/metrics`);
  return parseExposition(await response.text())
    .filter((sample) => sample.name === name)
    .map((sample) => sample.value);
}

const KUBELET_DOWN = finding({
  check: 'CHECK_ID_KUBELET_HEALTH',
  cause: 'CAUSE_ID_KUBELET_DOWN',
  severity: 'SEVERITY_CRITICAL',
  summary: 'kubelet /healthz failed twice',
  value: 0,
  threshold: 0,
});

describe('collector with a Kubernetes cluster', () => {
  it('hands out readiness from the watch and posts an Event when an agent turns its node NotReady', async () => {
    server.putNode(nodeObject('worker-1', 'status-unknown'));
    const { collector: running, grpcTarget, httpBase } = await startWithCluster();
    const readiness = await waitFor('worker-1 from the watch', () => running.readiness.get('worker-1'));
    expect(readiness).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(readiness.message).toMatch(/Kubelet stopped posting node status/);

    const stream = new AgentStream(agentServiceClient(grpcTarget));
    await stream.hello(hello('worker-1'));
    await stream.batch([report(1, { findings: [KUBELET_DOWN] })], 2);
    const event = await waitFor('the Event on worker-1', () => server.events()[0]);
    expect(event).toMatchObject({
      involvedObject: { kind: 'Node', name: 'worker-1', uid: 'uid-worker-1' },
      reason: 'NodedocDiagnosis',
      type: 'Warning',
      source: { component: 'nodedoc-collector' },
    });
    expect(String(event.message)).toMatch(
      /^NotReady: kubelet-down — .+ — runbook http:\/\/nodedoc\.test\/runbooks\/kubelet-down$/,
    );
    // The kubelet recovers (two clean reports clear the cause) and the API server says Ready again: the
    // last Event is a Normal one saying so.
    server.putNode(nodeObject('worker-1'));
    await stream.batch([report(2)], 3);
    await stream.batch([report(3)], 4);
    const recovered = await waitFor('the recovery Event', () => {
      const last = server.events().at(-1);
      return last?.type === 'Normal' ? last : undefined;
    });
    expect(String(recovered.message)).toMatch(/^Ready\b/);
    expect(server.events().filter((item: JsonObject) => item.type === 'Normal')).toHaveLength(1);
    stream.end();
    expect(await metric(httpBase, 'nodedoc_kubernetes_watch_up')).toEqual([1]);
  });

  it("takes NotReady from the API, with the condition's reason and message as evidence, and Ready when it clears", async () => {
    server.putNode(nodeObject('worker-1', 'pleg'));
    const { collector: running, grpcTarget, httpBase } = await startWithCluster();
    await waitFor('worker-1 from the watch', () => running.readiness.get('worker-1'));
    const stream = new AgentStream(agentServiceClient(grpcTarget));
    await stream.hello(hello('worker-1'));
    // The agent sees nothing wrong: NotReady rests on the API alone.
    await stream.batch([report(1)], 2);
    const notReady = await waitFor('NotReady from the API', async () => {
      const { body } = await getJson(httpBase, '/api/v1/nodes/worker-1');
      return (body as { status: string }).status === 'NotReady' ? body : undefined;
    });
    const causes = (
      notReady as { causes: { evidence: { source?: string; finding: { summary: string } }[] }[] }
    ).causes;
    const fromApi = causes.flatMap((cause) => cause.evidence).filter((item) => item.source === 'kubernetes');
    expect(fromApi.map((item) => item.finding.summary).join(' ')).toMatch(/PLEG is not healthy/);

    server.putNode(nodeObject('worker-1'));
    await waitFor('Ready once the API says so', async () => {
      const { body } = await getJson(httpBase, '/api/v1/nodes/worker-1');
      return (body as { status: string }).status === 'Ready' ? true : undefined;
    });
    stream.end();
  });

  it('keeps serving agents and /readyz while the API server is down', async () => {
    await server.pause();
    const { grpcTarget, httpBase, logLines } = await startWithCluster();
    expect((await getJson(httpBase, '/readyz')).status).toBe(200);
    const stream = new AgentStream(agentServiceClient(grpcTarget));
    await stream.hello(hello('worker-1'));
    expect(await stream.batch([report(1, { findings: [KUBELET_DOWN] })], 2)).toBe('1');
    await waitFor('failed watch attempts', async () => {
      const [restarts = 0] = await metric(httpBase, 'nodedoc_kubernetes_watch_restarts_total');
      return restarts >= 2 ? true : undefined;
    });
    expect(await metric(httpBase, 'nodedoc_kubernetes_watch_up')).toEqual([0]);
    const node = await getJson(httpBase, '/api/v1/nodes/worker-1');
    expect(node.status).toBe(200);
    expect(node.body).toMatchObject({ status: 'NotReady' });
    // The Event could not be written: counted and logged, nothing else.
    await waitFor('the failed Event write', () =>
      logLines().find((line) => line.msg === 'cannot post kubernetes event'),
    );
    stream.end();
    // Back: the watch lists and comes up.
    server.putNode(nodeObject('worker-1'));
    await server.resume();
    await waitFor('watch up again', async () =>
      (await metric(httpBase, 'nodedoc_kubernetes_watch_up'))[0] === 1 ? true : undefined,
    );
  });
});

describe.skipIf(requires({ commands: ['promtool'] }))('Kubernetes metrics under promtool', () => {
  it('are clean under `promtool check metrics` once every series has a value', async () => {
    server.putNode(nodeObject('worker-1'));
    const { grpcTarget, httpBase } = await startWithCluster();
    const stream = new AgentStream(agentServiceClient(grpcTarget));
    await stream.hello(hello('worker-1'));
    await stream.batch([report(1, { findings: [KUBELET_DOWN] })], 2);
    await waitFor('the Event', () => server.events()[0]);
    server.dropWatches();
    await waitFor('a watch restart', async () =>
      (await metric(httpBase, 'nodedoc_kubernetes_watch_restarts_total')).length > 0 ? true : undefined,
    );
    stream.end();
    const text = await (await fetch(`${httpBase}/metrics`)).text();
    expect(text).toMatch(/^nodedoc_kubernetes_events_posted_total\{type="Warning",operation="create"\} 1$/m);
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, problems: [] });
  });
});

describe('collector without a cluster', () => {
  it('says once why, and has no readiness from the API', async () => {
    collector = await startTestCollector();
    await collector.collector.serving;
    expect(collector.collector.readiness).toBe(NO_READINESS);
    const lines = collector.logLines().filter((line) => String(line.msg).startsWith('no kubernetes cluster'));
    expect(lines).toEqual([expect.objectContaining({ level: 'info', reason: 'test without a cluster' })]);
    expect(await metric(collector.httpBase, 'nodedoc_kubernetes_watch_up')).toEqual([0]);
  });
});
