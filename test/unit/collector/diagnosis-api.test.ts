/**
 * The classifier wired into a real collector: batches over real gRPC (loopback), the diagnosis read back
 * over HTTP/JSON. Clock skew from Batch.sent_at and the ack round trip; readiness from an in-memory
 * ReadinessSource given through the start-up hook (the Kubernetes watch's place); fleet scope over nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CauseJson, FleetJson, NodeDetailJson } from '../../../common/api/http-v1.js';
import { FakeReadiness, observedNow } from '../../harness/fake-readiness.js';
import {
  AgentStream,
  agentServiceClient,
  batch,
  finding,
  hello,
  report,
  timestamp,
} from './agent-client-support.js';
import { getJson, startTestCollector, type TestCollector } from './collector-test-support.js';

const readiness = new FakeReadiness();
let harness: TestCollector;
const streams: AgentStream[] = [];

async function open(node: string): Promise<AgentStream> {
  const stream = new AgentStream(agentServiceClient(harness.grpcTarget));
  streams.push(stream);
  await stream.hello(hello(node));
  return stream;
}

async function detail(node: string): Promise<NodeDetailJson> {
  const { status, body } = await getJson(harness.httpBase, `/api/v1/nodes/${node}`);
  expect(status).toBe(200);
  return body as NodeDetailJson;
}

const cause = (detailJson: NodeDetailJson, id: string): CauseJson | undefined =>
  detailJson.causes.find((c) => c.id === id);

beforeAll(async () => {
  harness = await startTestCollector({ hooks: { readiness } });
  await harness.collector.serving;
});

afterAll(async () => {
  for (const stream of streams) stream.end();
  await harness.cleanup();
});

describe('diagnosis over the APIs', () => {
  it('raises clock-skew from sent_at against arrival, corrected by half the round trip', async () => {
    const stream = await open('skewed');
    // The agent's clock runs 45 s ahead; its batches took 20 ms there and back.
    for (let sequence = 1; sequence <= 3; sequence++) {
      stream.send({
        batch: batch([report(sequence)], { sentAt: timestamp(Date.now() + 45_000), lastAckRttSeconds: 0.02 }),
      });
      await stream.message(sequence + 1);
    }
    const node = await detail('skewed');
    expect(node.status).toBe('AtRisk');
    const skew = cause(node, 'clock-skew');
    expect(skew).toMatchObject({ severity: 'critical', scope: 'node' });
    expect(skew?.evidence[0]?.source).toBe('collector');
    expect(skew?.evidence[0]?.finding.check).toBe('clock-offset');
    expect(skew?.evidence[0]?.finding.value).toBeCloseTo(45, 0);
    expect(skew?.summary).toMatch(
      /^The node's clock is 4\d(\.\d+)?s ahead of the collector's \(median of 3 batches/,
    );
  });

  it('takes NotReady and its reason from the API, as evidence on the cause it names, and re-judges on a change', async () => {
    readiness.set(
      'pleg',
      observedNow({
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'PLEG is not healthy: pleg was last seen active 3m4s ago; threshold is 3m0s',
      }),
    );
    const stream = await open('pleg');
    await stream.batch(
      [
        report(1, {
          findings: [
            finding({
              check: 'CHECK_ID_RUNTIME_STATUS',
              cause: 'CAUSE_ID_CONTAINER_RUNTIME_DOWN',
              summary: 'CRI RuntimeService/Status failed: 4 DEADLINE_EXCEEDED',
              value: undefined,
              threshold: undefined,
            }),
          ],
        }),
      ],
      2,
    );
    const notReady = await detail('pleg');
    expect(notReady.status).toBe('NotReady');
    const runtime = notReady.causes[0];
    expect(runtime?.id).toBe('container-runtime-down');
    // 1 report of 3, plus the API's agreement.
    expect(runtime?.confidence).toBe(0.53);
    expect(runtime?.evidence.map((item) => [item.source ?? 'agent', item.finding.check])).toEqual([
      ['agent', 'runtime-status'],
      ['kubernetes', 'node-ready-condition'],
    ]);
    expect(runtime?.evidence[1]?.finding.summary).toBe(
      'Kubernetes API: Ready=False (KubeletNotReady): PLEG is not healthy: pleg was last seen active 3m4s ago; threshold is 3m0s',
    );
    expect(runtime?.remediation.join('\n')).toContain('kubectl drain pleg');

    readiness.set(
      'pleg',
      observedNow({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }),
    );
    const ready = await detail('pleg');
    expect(ready.status).toBe('AtRisk');
    expect(ready.causes[0]).toMatchObject({ id: 'container-runtime-down', confidence: 0.33 });
  });

  it('reports a symptom on most nodes once, as a fleet cause, and a root before what it explains', async () => {
    const dns = finding({
      check: 'CHECK_ID_DNS_ERRORS',
      cause: 'CAUSE_ID_DNS_FAILURE',
      summary: '4 of 6 DNS probes to 10.96.0.10:53 failed',
      subject: '10.96.0.10:53',
      value: 0.67,
      threshold: 0.5,
    });
    const conntrack = finding({
      check: 'CHECK_ID_CONNTRACK_UTILIZATION',
      cause: 'CAUSE_ID_CONNTRACK_EXHAUSTION',
      summary: 'Conntrack table 124512 of 131072 entries (95.0%)',
      value: 0.95,
      threshold: 0.9,
    });
    // Five nodes so far (skewed, pleg, d1-d3): three of them with DNS failures is 60%.
    for (const node of ['d1', 'd2', 'd3']) {
      const stream = await open(node);
      await stream.batch([report(1, { findings: node === 'd1' ? [dns, conntrack] : [dns] })], 2);
    }
    const { body } = await getJson(harness.httpBase, '/api/v1/fleet');
    const fleet = body as FleetJson;
    expect(fleet.nodes).toBe(5);
    expect(fleet.causes.map((c) => [c.id, c.scope, c.nodes])).toEqual([
      ['dns-failure', 'fleet', ['d1', 'd2', 'd3']],
    ]);
    expect(fleet.causes[0]?.summary).toMatch(
      /^DNS queries failing on 3 of 5 nodes: look at CoreDNS or the upstream resolver, not this node/,
    );
    const d1 = await detail('d1');
    expect(d1.causes.map((c) => c.id)).toEqual(['conntrack-exhaustion', 'dns-failure']);
    expect(cause(d1, 'conntrack-exhaustion')?.explains).toEqual(['dns-failure']);
    expect(cause(d1, 'dns-failure')?.explainedBy).toEqual(['conntrack-exhaustion']);
  });
});
