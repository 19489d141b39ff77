/**
 * The Node watcher against test/harness/fake-apiserver.ts: a local HTTP server speaking the API server's
 * real list/watch protocol for Nodes, serving Node objects recorded in the API's JSON shape
 * (test/fixtures/kubernetes/, see its README). Real client-node, real HTTP over loopback.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeReadiness } from '../../../../collector/diagnosis/node-readiness.js';
import { resolveKubernetes } from '../../../../collector/kube/cluster-connection.js';
import { NodeWatcher } from '../../../../collector/kube/node-watcher.js';
import {
  FAKE_TOKEN,
  type FakeApiServer,
  nodeObject,
  startFakeApiServer,
} from '../../../harness/fake-apiserver.js';
import { waitFor } from '../../../harness/wait-for.js';
import { captureLogger, freshMetrics, kubeConfigFrom, metricValue } from './kube-test-support.js';

let server: FakeApiServer;
let watcher: NodeWatcher | undefined;

beforeEach(async () => {
  server = await startFakeApiServer();
});
afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await server.close();
});

function startWatcher(kubeconfigPath = server.kubeconfigPath) {
  const { registry, metrics } = freshMetrics();
  const { logger, lines } = captureLogger();
  const changes: Array<[string, NodeReadiness | undefined]> = [];
  watcher = new NodeWatcher({
    kubeConfig: kubeConfigFrom(kubeconfigPath),
    metrics,
    logger,
    // Tests: retry within tens of milliseconds; the jitter stays real.
    backoffBaseMs: 20,
    backoffCapMs: 200,
  });
  watcher.subscribe((node, readiness) => changes.push([node, readiness]));
  watcher.start();
  return { watcher, registry, lines, changes };
}

const statusOf = (name: string) => watcher?.get(name)?.status;

/** A watcher with short server-side watch timeouts, for the stall guard. */
function freshMetricsWatcher(timing: { watchTimeoutMinSeconds: number; stallGraceMs: number }) {
  const { registry, metrics } = freshMetrics();
  const { logger, lines } = captureLogger();
  watcher = new NodeWatcher({
    kubeConfig: kubeConfigFrom(server.kubeconfigPath),
    metrics,
    logger,
    backoffBaseMs: 20,
    backoffCapMs: 200,
    ...timing,
  });
  watcher.start();
  return { registry, lines };
}

describe('NodeWatcher', () => {
  it('lists, then follows ADDED, MODIFIED and DELETED', async () => {
    server.putNode(nodeObject('worker-1'));
    server.putNode(nodeObject('worker-2', 'pleg'));
    const { watcher: nodes, registry, changes, lines } = startWatcher();
    await nodes.synced();
    expect(nodes.get('worker-1')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(nodes.uid('worker-1')).toBe('uid-worker-1');
    expect(nodes.get('worker-2')?.status).toBe('False');
    await waitFor('watch up', async () =>
      (await metricValue(registry, 'nodedoc_kubernetes_watch_up')) === 1 ? true : undefined,
    );
    expect(await metricValue(registry, 'nodedoc_kubernetes_nodes')).toBe(2);

    server.putNode(nodeObject('worker-3', 'status-unknown'));
    await waitFor('worker-3 added', () => statusOf('worker-3'));
    server.putNode(nodeObject('worker-1', 'runtime-network'));
    await waitFor('worker-1 NotReady', () => (statusOf('worker-1') === 'False' ? true : undefined));
    server.deleteNode('worker-2');
    await waitFor('worker-2 deleted', () => (nodes.get('worker-2') === undefined ? true : undefined));

    expect(changes.map(([node, readiness]) => [node, readiness?.status])).toEqual([
      ['worker-1', 'True'],
      ['worker-2', 'False'],
      ['worker-3', 'Unknown'],
      ['worker-1', 'False'],
      ['worker-2', undefined],
    ]);
    expect(await metricValue(registry, 'nodedoc_kubernetes_nodes')).toBe(2);
    const transitions = lines.filter((line) => line.msg === 'node readiness changed');
    expect(transitions.map((line) => [line.node, line.status, line.previous])).toEqual([
      ['worker-2', 'False', undefined],
      ['worker-3', 'Unknown', undefined],
      ['worker-1', 'False', 'True'],
    ]);
    // One list at start; everything after came over the watch.
    expect(server.requests.filter((request) => request.startsWith('GET /api/v1/nodes?limit'))).toHaveLength(
      1,
    );
  });

  it('carries the Ready reasons and messages Kubernetes writes, with their times', async () => {
    server.putNode(nodeObject('pleg', 'pleg'));
    server.putNode(nodeObject('cni', 'runtime-network'));
    server.putNode(nodeObject('silent', 'status-unknown'));
    const { watcher: nodes } = startWatcher();
    await nodes.synced();
    expect(nodes.get('pleg')).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'PLEG is not healthy: pleg was last seen active 3m5.302714538s ago; threshold is 3m0s',
      sinceMs: Date.parse('2026-11-23T16:33:40Z'),
      heartbeatMs: Date.parse('2026-11-23T16:34:52Z'),
    });
    expect(nodes.get('cni')).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: expect.stringMatching(/^container runtime network not ready: NetworkReady=false/),
    });
    expect(nodes.get('silent')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      sinceMs: Date.parse('2026-11-23T16:31:03Z'),
      heartbeatMs: Date.parse('2026-11-23T16:30:12Z'),
    });
    // Over the watch too (raw JSON strings there, deserialized Dates in the list).
    server.putNode(nodeObject('late', 'pleg'));
    const late = await waitFor('late node', () => nodes.get('late'));
    expect(late).toEqual({ ...nodes.get('pleg'), observedAtMs: late.observedAtMs });
  });

  it('resumes a dropped watch from its resourceVersion and catches up on what it missed', async () => {
    server.putNode(nodeObject('worker-1'));
    const { watcher: nodes, registry } = startWatcher();
    await nodes.synced();
    await server.waitForWatches(1);
    server.dropWatches();
    // Changes while the watch is down are replayed from the history after its resourceVersion.
    server.putNode(nodeObject('worker-1', 'pleg'));
    server.putNode(nodeObject('worker-2'));
    await waitFor('worker-1 NotReady after reconnect', () =>
      statusOf('worker-1') === 'False' ? true : undefined,
    );
    await waitFor('worker-2 after reconnect', () => statusOf('worker-2'));
    await server.waitForWatches(1);
    expect(await metricValue(registry, 'nodedoc_kubernetes_node_lists_total')).toBe(1);
    const restarts =
      (await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'error' })) +
      (await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'closed' }));
    expect(restarts).toBeGreaterThanOrEqual(1);
    const watches = server.requests.filter((request) => request.includes('watch=true'));
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(watches.at(-1)).not.toContain('resourceVersion=&');
  });

  it('lists again after 410 Gone and drops Nodes deleted meanwhile', async () => {
    server.putNode(nodeObject('worker-1'));
    server.putNode(nodeObject('worker-2'));
    const { watcher: nodes, registry, changes } = startWatcher();
    await nodes.synced();
    await server.waitForWatches(1);
    server.dropWatches();
    server.deleteNode('worker-2');
    server.putNode(nodeObject('worker-3', 'pleg'));
    server.compact();
    await waitFor('worker-2 gone after relist', () =>
      nodes.get('worker-2') === undefined ? true : undefined,
    );
    expect(statusOf('worker-3')).toBe('False');
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'expired' }),
    ).toBe(1);
    expect(await metricValue(registry, 'nodedoc_kubernetes_node_lists_total')).toBe(2);
    expect(changes.map(([node, readiness]) => [node, readiness?.status])).toEqual([
      ['worker-1', 'True'],
      ['worker-2', 'True'],
      ['worker-2', undefined],
      ['worker-3', 'False'],
    ]);
  });

  it('keeps the version a bookmark brings, so a compaction after it needs no relist', async () => {
    server.putNode(nodeObject('worker-1'));
    const { watcher: nodes, registry } = startWatcher();
    await nodes.synced();
    await server.waitForWatches(1);
    // Other resources move the revision on; only the bookmark tells the Node watch about it.
    for (let i = 0; i < 3; i++) server.advance();
    server.bookmark();
    server.compact();
    server.endWatches();
    server.putNode(nodeObject('worker-1', 'runtime-network'));
    await waitFor('worker-1 NotReady', () => (statusOf('worker-1') === 'False' ? true : undefined));
    expect(await metricValue(registry, 'nodedoc_kubernetes_node_lists_total')).toBe(1);
    expect(
      await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'expired' }),
    ).toBe(0);
    expect(await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'closed' })).toBe(
      1,
    );
  });

  it('waits out an API server that is down, then lists when it is back', async () => {
    server.putNode(nodeObject('worker-1', 'pleg'));
    await server.pause();
    const { watcher: nodes, registry, lines } = startWatcher();
    await waitFor('a few failed attempts', async () =>
      (await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'error' })) >= 3
        ? true
        : undefined,
    );
    expect(nodes.get('worker-1')).toBeUndefined();
    expect(await metricValue(registry, 'nodedoc_kubernetes_watch_up')).toBe(0);
    expect(lines.find((line) => line.msg === 'kubernetes node watch failed; retrying')?.error).toMatch(
      /ECONNREFUSED/,
    );
    await server.resume();
    await waitFor('listed after the API server came back', () => statusOf('worker-1'));
    await waitFor('watch up', async () =>
      (await metricValue(registry, 'nodedoc_kubernetes_watch_up')) === 1 ? true : undefined,
    );
  });

  it('reports a refused list (bad credentials) and keeps retrying', async () => {
    const badPath = `${server.kubeconfigPath}.bad`;
    await writeFile(
      badPath,
      (await readFile(server.kubeconfigPath, 'utf8')).replace(/token: .*/, 'token: wrong'),
    );
    const { registry, lines } = startWatcher(badPath);
    await waitFor('two refused lists', async () =>
      (await metricValue(registry, 'nodedoc_kubernetes_node_lists_total')) >= 2 ? true : undefined,
    );
    expect(lines.find((line) => line.msg === 'kubernetes node watch failed; retrying')?.error).toBe(
      'HTTP 401: Unauthorized',
    );
  });
});

describe('NodeWatcher on a dead connection', () => {
  it('gives up on a watch that neither delivers nor ends, and resumes', async () => {
    server.putNode(nodeObject('worker-1'));
    server.hangWatches(true);
    const { registry, lines } = freshMetricsWatcher({ watchTimeoutMinSeconds: 1, stallGraceMs: 100 });
    await waitFor('a stalled watch', async () =>
      (await metricValue(registry, 'nodedoc_kubernetes_watch_restarts_total', { reason: 'stalled' })) >= 1
        ? true
        : undefined,
    );
    server.hangWatches(false);
    await server.waitForWatches(1);
    server.putNode(nodeObject('worker-1', 'pleg'));
    await waitFor('the change after the stall', () => (statusOf('worker-1') === 'False' ? true : undefined));
    expect(await metricValue(registry, 'nodedoc_kubernetes_node_lists_total')).toBe(1);
    expect(lines.some((line) => line.msg === 'node watch ended' && line.reason === 'stalled')).toBe(true);
  });
});

describe('NodeWatcher in a pod', () => {
  it('lists with the in-cluster config: the service account token and CA next to it', async () => {
    const accountDir = await mkdtemp(join(tmpdir(), 'nodedoc-serviceaccount-'));
    try {
      await writeFile(join(accountDir, 'token'), FAKE_TOKEN);
      await writeFile(join(accountDir, 'ca.crt'), server.caPem);
      const { connection } = resolveKubernetes({
        mode: 'auto',
        kubeconfigFlag: undefined,
        env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(server.port) },
        tokenPath: join(accountDir, 'token'),
      });
      if (!connection) throw new Error('expected an in-cluster connection');
      expect(connection.server).toBe(server.origin);
      server.putNode(nodeObject('worker-1', 'status-unknown'));
      const { metrics } = freshMetrics();
      watcher = new NodeWatcher({
        kubeConfig: connection.kubeConfig,
        metrics,
        logger: captureLogger().logger,
      });
      watcher.start();
      await watcher.synced();
      expect(watcher.get('worker-1')?.reason).toBe('NodeStatusUnknown');
    } finally {
      await rm(accountDir, { recursive: true, force: true });
    }
  });
});
