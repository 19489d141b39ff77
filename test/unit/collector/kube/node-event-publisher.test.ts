/**
 * Events on Nodes, written with the real client-node over HTTPS to test/harness/fake-apiserver.ts, which
 * stores them as the API server does (core/v1 Event JSON, merge patches) and reads them back.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CauseView, Diagnosis } from '../../../../collector/diagnosis/diagnosis.js';
import {
  EVENT_CORRELATION_WINDOW_MS,
  GLOBAL_EVENT_BURST,
  NODE_EVENT_BURST,
  NODE_EVENT_REFILL_MS,
  NodeEventPublisher,
} from '../../../../collector/kube/node-event-publisher.js';
import type { CauseIdString } from '../../../../common/ids.js';
import { type FakeApiServer, type JsonObject, startFakeApiServer } from '../../../harness/fake-apiserver.js';
import { captureLogger, freshMetrics, kubeConfigFrom, metricValue } from './kube-test-support.js';

const EXTERNAL = new URL('https://nodedoc.example.com/ops/');

function cause(id: CauseIdString, summary: string, severity: CauseView['severity'] = 'critical'): CauseView {
  return {
    id,
    scope: 'node',
    severity,
    confidence: 0.9,
    summary,
    evidence: [],
    remediation: [],
    runbook: `/runbooks/${id}`,
  };
}

const KUBELET_DOWN: Diagnosis = {
  status: 'NotReady',
  causes: [cause('kubelet-down', 'kubelet healthz failed 3 times in a row (connection refused)')],
};
const MEMORY: Diagnosis = {
  status: 'AtRisk',
  causes: [
    cause(
      'memory-pressure',
      'MemAvailable 81 MiB of 3.8 GiB\n(below the 100 MiB eviction threshold)',
      'warning',
    ),
  ],
};
const READY: Diagnosis = { status: 'Ready', causes: [] };

let server: FakeApiServer;
let clock: number;
let publisher: NodeEventPublisher;
let registry: ReturnType<typeof freshMetrics>['registry'];
let logLines: Record<string, unknown>[];

beforeEach(async () => {
  server = await startFakeApiServer();
  clock = Date.parse('2026-11-23T16:40:00Z');
  const fresh = freshMetrics();
  registry = fresh.registry;
  const { logger, lines } = captureLogger();
  logLines = lines;
  publisher = new NodeEventPublisher({
    api: kubeConfigFrom(server.kubeconfigPath).makeApiClient(CoreV1Api),
    externalUrl: EXTERNAL,
    metrics: fresh.metrics,
    logger,
    uidOf: (node) => (node === 'worker-1' ? 'uid-worker-1' : undefined),
    now: () => clock,
    instance: 'collector-0',
  });
});
afterEach(async () => {
  await publisher.stop();
  await server.close();
});

async function publish(node: string, diagnosis: Diagnosis): Promise<void> {
  publisher.publish(node, diagnosis);
  await publisher.settled();
}

const summaries = () =>
  server
    .events()
    .map((event) => [
      (event.involvedObject as JsonObject).name,
      event.type,
      event.count,
      String(event.message).split(' — ')[0],
    ]);

describe('NodeEventPublisher', () => {
  it('writes a Warning Event on the Node with cause, evidence and runbook link', async () => {
    await publish('worker-1', KUBELET_DOWN);
    const [event] = server.events();
    expect(event).toMatchObject({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { namespace: 'default', name: expect.stringMatching(/^worker-1\.[0-9a-f]+$/) },
      involvedObject: { kind: 'Node', apiVersion: 'v1', name: 'worker-1', uid: 'uid-worker-1' },
      reason: 'NodedocDiagnosis',
      type: 'Warning',
      message:
        'NotReady: kubelet-down — kubelet healthz failed 3 times in a row (connection refused) — runbook https://nodedoc.example.com/ops/runbooks/kubelet-down',
      source: { component: 'nodedoc-collector' },
      reportingComponent: 'nodedoc-collector',
      reportingInstance: 'collector-0',
      count: 1,
      firstTimestamp: '2026-11-23T16:40:00.000Z',
      lastTimestamp: '2026-11-23T16:40:00.000Z',
    });
    expect(server.requests.at(-1)).toBe('POST /api/v1/namespaces/default/events');
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_events_posted_total', {
        type: 'Warning',
        operation: 'create',
      }),
    ).toBe(1);
  });

  it('keeps the message on one line and omits the uid of a Node the watch does not know', async () => {
    await publish('worker-2', MEMORY);
    const [event] = server.events();
    expect(event?.message).toBe(
      'AtRisk: memory-pressure — MemAvailable 81 MiB of 3.8 GiB (below the 100 MiB eviction threshold) — runbook https://nodedoc.example.com/ops/runbooks/memory-pressure',
    );
    expect(event?.involvedObject).toEqual({ kind: 'Node', apiVersion: 'v1', name: 'worker-2' });
  });

  it('says nothing for a node that was always Ready, and a Normal Event when one recovers', async () => {
    await publish('worker-1', READY);
    expect(server.events()).toHaveLength(0);
    await publish('worker-1', KUBELET_DOWN);
    await publish('worker-1', READY);
    expect(summaries()).toEqual([
      ['worker-1', 'Warning', 1, 'NotReady: kubelet-down'],
      ['worker-1', 'Normal', 1, 'Ready: no active cause'],
    ]);
  });

  it('writes nothing for the same diagnosis again, and counts a repeat within the window on the first Event', async () => {
    await publish('worker-1', KUBELET_DOWN);
    await publish('worker-1', {
      ...KUBELET_DOWN,
      causes: [cause('kubelet-down', 'kubelet healthz failed 9 times')],
    });
    expect(server.events()).toHaveLength(1);
    clock += 60_000;
    await publish('worker-1', MEMORY);
    clock += 60_000;
    await publish('worker-1', KUBELET_DOWN);
    expect(summaries()).toEqual([
      ['worker-1', 'Warning', 2, 'NotReady: kubelet-down'],
      ['worker-1', 'Warning', 1, 'AtRisk: memory-pressure'],
    ]);
    const [first] = server.events();
    expect(first?.lastTimestamp).toBe('2026-11-23T16:42:00.000Z');
    expect(first?.firstTimestamp).toBe('2026-11-23T16:40:00.000Z');
    expect(server.requests.filter((request) => request.startsWith('PATCH'))).toHaveLength(1);
    // Past the window a repeat is a new Event.
    clock += EVENT_CORRELATION_WINDOW_MS;
    await publish('worker-1', MEMORY);
    expect(summaries()).toHaveLength(3);
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_events_posted_total', {
        type: 'Warning',
        operation: 'patch',
      }),
    ).toBe(1);
  });

  it('creates a new Event when the one to count on has expired from the API server', async () => {
    await publish('worker-1', KUBELET_DOWN);
    await publish('worker-1', MEMORY);
    // Gone from storage (the API server's --event-ttl): the repeat is written anew.
    const first = server.events()[0]?.metadata as JsonObject | undefined;
    server.expireEvent(String(first?.name));
    await publish('worker-1', KUBELET_DOWN);
    expect(summaries()).toEqual([
      ['worker-1', 'Warning', 1, 'AtRisk: memory-pressure'],
      ['worker-1', 'Warning', 1, 'NotReady: kubelet-down'],
    ]);
  });

  it('limits each node to its burst, then posts its latest diagnosis once the budget refills', async () => {
    // Nine changes in a row, each different from the one before: five fit the burst, four wait.
    const flapping: Diagnosis[] = [
      KUBELET_DOWN,
      MEMORY,
      { ...KUBELET_DOWN, status: 'Unreachable' },
      MEMORY,
      KUBELET_DOWN,
      MEMORY,
      { ...KUBELET_DOWN, status: 'Unreachable' },
      MEMORY,
      READY,
    ];
    expect(flapping.length).toBe(NODE_EVENT_BURST + 4);
    for (const diagnosis of flapping) publisher.publish('worker-1', diagnosis);
    await publisher.settled();
    const written = server.events().reduce((sum, event) => sum + Number(event.count), 0);
    expect(written).toBe(NODE_EVENT_BURST);
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_events_dropped_total', { reason: 'node_rate' }),
    ).toBe(4);
    // Another node is not held back by this one.
    await publish('worker-2', KUBELET_DOWN);
    expect(
      server.events().filter((event) => (event.involvedObject as JsonObject).name === 'worker-2'),
    ).toHaveLength(1);
    // Budget back: the held-back latest (the recovery) is written, the states in between are not.
    clock += NODE_EVENT_REFILL_MS;
    publisher.retryDeferred();
    await publisher.settled();
    const last = server
      .events()
      .filter((event) => (event.involvedObject as JsonObject).name === 'worker-1')
      .at(-1);
    expect(last).toMatchObject({
      type: 'Normal',
      message: 'Ready: no active cause — the node has recovered',
    });
    publisher.retryDeferred();
    await publisher.settled();
    expect(server.events().reduce((sum, event) => sum + Number(event.count), 0)).toBe(NODE_EVENT_BURST + 2);
  });

  it('caps the fleet: beyond the global burst, Events are dropped and counted', async () => {
    const nodes = GLOBAL_EVENT_BURST + 7;
    for (let i = 0; i < nodes; i++) publisher.publish(`node-${i}`, KUBELET_DOWN);
    await publisher.settled();
    expect(server.events()).toHaveLength(GLOBAL_EVENT_BURST);
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_events_dropped_total', { reason: 'global_rate' }),
    ).toBe(7);
  });

  it('counts and logs a refused write without throwing, and writes again when the server accepts', async () => {
    server.failEvents(500);
    expect(() => publisher.publish('worker-1', KUBELET_DOWN)).not.toThrow();
    await publisher.settled();
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_event_errors_total', { operation: 'create' }),
    ).toBe(1);
    expect(logLines.find((line) => line.msg === 'cannot post kubernetes event')?.error).toBe(
      'HTTP 500: injected failure',
    );
    server.failEvents(undefined);
    await publish('worker-1', MEMORY);
    expect(summaries()).toEqual([['worker-1', 'Warning', 1, 'AtRisk: memory-pressure']]);
  });

  it('abandons a write the API server never answers, and goes on with the next', async () => {
    const { registry: own, metrics } = freshMetrics();
    const impatient = new NodeEventPublisher({
      api: kubeConfigFrom(server.kubeconfigPath).makeApiClient(CoreV1Api),
      externalUrl: EXTERNAL,
      metrics,
      logger: captureLogger().logger,
      uidOf: () => undefined,
      now: () => clock,
      writeTimeoutMs: 200,
    });
    server.failEvents('hang');
    impatient.publish('worker-1', KUBELET_DOWN);
    impatient.publish('worker-1', MEMORY);
    await impatient.settled();
    expect(await metricValue(own, 'nodedoc_kubernetes_event_errors_total', { operation: 'create' })).toBe(2);
    expect(server.events()).toHaveLength(0);
    server.failEvents(undefined);
    impatient.publish('worker-1', READY);
    await impatient.settled();
    expect(summaries()).toEqual([['worker-1', 'Normal', 1, 'Ready: no active cause']]);
    await impatient.stop();
  });

  it('gives up quietly when the API server is down', async () => {
    await server.pause();
    await publish('worker-1', KUBELET_DOWN);
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_event_errors_total', { operation: 'create' }),
    ).toBe(1);
    expect(String(logLines.find((line) => line.msg === 'cannot post kubernetes event')?.error)).toMatch(
      /ECONNREFUSED/,
    );
  });
});
