import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type Client,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../collector/store/sqlite-store.js';
import { CAUSE_IDS } from '../../../common/ids.js';
import type { NodeDetail__Output } from '../../../proto/gen/nodedoc/v1/NodeDetail.js';
import type { QueryServiceClient } from '../../../proto/gen/nodedoc/v1/QueryService.js';
import { waitFor } from '../../harness/wait-for.js';
import {
  AgentStream,
  agentServiceClient,
  finding,
  hello,
  queryServiceClient,
  report,
  T0_MS,
  timestamp,
} from './agent-client-support.js';
import { startTestCollector, type TestCollector } from './collector-test-support.js';

/** A client of a service loaded without generated types (health, reflection). */
function untypedClient(protoFile: string, service: string, target: string): Client {
  const loaded = loadPackageDefinition(loadSync(protoFile, { keepCase: true, enums: String, longs: String }));
  const serviceConstructor = service
    .split('.')
    .reduce<unknown>((object, part) => (object as GrpcObject)[part], loaded);
  return new (serviceConstructor as ServiceClientConstructor)(target, credentials.createInsecure());
}

/** Promisifies one unary call of a grpc-js client. */
function call<Response>(client: Client, method: string, request: object): Promise<Response> {
  return new Promise((resolve, reject) => {
    const fn = (
      client as unknown as Record<
        string,
        (r: object, cb: (e: ServiceError | null, v: Response) => void) => void
      >
    )[method];
    if (!fn) throw new Error(`no method ${method}`);
    fn.call(client, request, (error, value) => (error ? reject(error) : resolve(value)));
  });
}

const REFLECTION_PROTO = fileURLToPath(
  new URL(
    '../../../node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
    import.meta.url,
  ),
);

describe('grpc.health.v1 and reflection', () => {
  let harness: TestCollector;
  let openStore: () => void = () => undefined;

  beforeAll(async () => {
    const gate = new Promise<void>((resolve) => {
      openStore = resolve;
    });
    harness = await startTestCollector({
      hooks: { openStore: (dir) => gate.then(() => SqliteStore.open(dir)) },
    });
  });

  afterAll(async () => {
    openStore();
    await harness.cleanup();
  });

  it('is NOT_SERVING until the store is open, then SERVING (whole server and each service)', async () => {
    const health = untypedClient(healthProtoPath, 'grpc.health.v1.Health', harness.grpcTarget);
    for (const service of ['', 'nodedoc.v1.AgentService', 'nodedoc.v1.QueryService']) {
      expect(await call(health, 'Check', { service }), service).toEqual({ status: 'NOT_SERVING' });
    }
    // Meanwhile the services answer UNAVAILABLE with the catalog message, not a crash.
    const query = queryServiceClient(harness.grpcTarget);
    await expect(unary<{ nodes: unknown[] }>((cb) => query.listNodes({}, cb))).rejects.toMatchObject({
      code: status.UNAVAILABLE,
      details: 'not ready: the store is still opening',
    });
    openStore();
    await harness.collector.serving;
    for (const service of ['', 'nodedoc.v1.AgentService', 'nodedoc.v1.QueryService']) {
      expect(await call(health, 'Check', { service }), service).toEqual({ status: 'SERVING' });
    }
    health.close();
    query.close();
  });

  it('lists the nodedoc services and health through server reflection', async () => {
    const reflection = untypedClient(
      REFLECTION_PROTO,
      'grpc.reflection.v1.ServerReflection',
      harness.grpcTarget,
    );
    const stream = (reflection as unknown as { ServerReflectionInfo(): Duplex }).ServerReflectionInfo();
    const answer = new Promise<{ list_services_response: { service: { name: string }[] } }>((resolve) =>
      stream.once('data', resolve),
    );
    stream.write({ list_services: '' });
    const names = (await answer).list_services_response.service.map((service) => service.name);
    expect(names).toEqual(
      expect.arrayContaining(['nodedoc.v1.AgentService', 'nodedoc.v1.QueryService', 'grpc.health.v1.Health']),
    );
    stream.end();
    reflection.close();
  });
});

function unary<T>(run: (callback: (error: ServiceError | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((error, value) =>
      error ? reject(error) : value === undefined ? reject(new Error('no value')) : resolve(value),
    ),
  );
}

describe('QueryService', () => {
  let harness: TestCollector;
  let query: QueryServiceClient;

  beforeAll(async () => {
    harness = await startTestCollector();
    await harness.collector.serving;
    query = queryServiceClient(harness.grpcTarget);
    const stream = new AgentStream(agentServiceClient(harness.grpcTarget));
    await stream.hello(hello('worker-a'));
    await stream.batch([report(1), report(2, { findings: [finding({ severity: 'SEVERITY_WARNING' })] })], 2);
    await stream.batch(
      [
        report(3, {
          findings: [
            finding(),
            finding({
              check: 'CHECK_ID_DISK_SPACE',
              cause: 'CAUSE_ID_DISK_PRESSURE',
              severity: 'SEVERITY_WARNING',
              summary: '/var/lib/kubelet is 87% full',
              subject: '/var/lib/kubelet',
              value: 0.87,
              threshold: 0.85,
            }),
          ],
        }),
      ],
      3,
    );
    stream.end();
    await stream.status;
  });

  afterAll(async () => {
    query.close();
    await harness.cleanup();
  });

  it('ListNodes: each node with its status and top cause', async () => {
    const { nodes } = await unary<{ nodes: unknown[] }>((cb) => query.listNodes({}, cb));
    expect(nodes).toEqual([
      expect.objectContaining({
        node: 'worker-a',
        // Memory pressure, even critical, leaves Ready=True (the kubelet sets MemoryPressure): AtRisk.
        status: 'NODE_STATUS_AT_RISK',
        causes: [expect.objectContaining({ id: 'CAUSE_ID_MEMORY_PRESSURE', severity: 'SEVERITY_CRITICAL' })],
      }),
    ]);
  });

  it('GetNode: ranked causes with evidence first seen when its run began, and ingest figures', async () => {
    const detail = await unary<NodeDetail__Output>((cb) => query.getNode({ node: 'worker-a' }, cb));
    expect(detail.status).toBe('NODE_STATUS_AT_RISK');
    expect(detail.causes.map((cause) => [cause.id, cause.severity, cause.confidence])).toEqual([
      // Memory: warning in report 2, critical in 3 — one run of two reports. The disk warning was in one
      // report only: below the two a warning needs to be raised.
      ['CAUSE_ID_MEMORY_PRESSURE', 'SEVERITY_CRITICAL', 0.67],
    ]);
    const [memory] = detail.causes;
    expect(memory?.runbook).toBe('/runbooks/memory-pressure');
    expect(memory?.scope).toBe('SCOPE_NODE');
    expect(memory?.evidence[0]?.firstSeen).toEqual(timestamp(T0_MS + 20_000));
    expect(memory?.evidence[0]?.lastSeen).toEqual(timestamp(T0_MS + 30_000));
    expect(detail.ingest).toEqual({ received: '3', lastSeq: '3', gaps: '0', duplicates: '0' });
    expect(detail.bootId).toBe('0b9a4c6e-3f1d-4e52-9c1a-7d2e8f6b5a41');
    expect(detail.findings).toHaveLength(2);
    expect(JSON.parse(detail.samplesJson)).toEqual({ cpu: { status: 'ok', busyRatio: 0.25 } });
  });

  it('GetNode: NOT_FOUND for an unknown node, INVALID_ARGUMENT for a malformed name', async () => {
    await expect(unary((cb) => query.getNode({ node: 'nobody' }, cb))).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: 'node nobody is not known to this collector',
    });
    await expect(unary((cb) => query.getNode({ node: 'No Body' }, cb))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('GetTimeline: the window asked for, oldest first; a reversed window is INVALID_ARGUMENT', async () => {
    const response = await unary<{ points: { sequence: string; findings: unknown[] }[] }>((cb) =>
      query.getTimeline(
        { node: 'worker-a', since: timestamp(T0_MS + 15_000), until: timestamp(T0_MS + 60_000), limit: 0 },
        cb,
      ),
    );
    expect(response.points.map((point) => [point.sequence, point.findings.length])).toEqual([
      ['2', 1],
      ['3', 2],
    ]);
    await expect(
      unary((cb) =>
        query.getTimeline({ node: 'worker-a', since: timestamp(T0_MS), until: timestamp(T0_MS - 1) }, cb),
      ),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(
      unary((cb) => query.getTimeline({ node: 'worker-a', limit: 10_001 }, cb)),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(
      unary((cb) =>
        query.getTimeline({ node: 'worker-a', since: { seconds: '999999999999', nanos: 0 } }, cb),
      ),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'invalid since: seconds 999999999999 is outside 0001-01-01 to 9999-12-31',
    });
  });

  it('ListCauses: the whole taxonomy with runbooks', async () => {
    const { causes } = await unary<{ causes: { id: string; title: string; runbook: string }[] }>((cb) =>
      query.listCauses({}, cb),
    );
    expect(causes).toHaveLength(CAUSE_IDS.length);
    expect(causes.find((cause) => cause.id === 'CAUSE_ID_NODE_UNREACHABLE')?.runbook).toBe(
      '/runbooks/node-unreachable',
    );
    for (const cause of causes) expect(cause.title.length).toBeGreaterThan(5);
  });
});

describe('QueryService.WatchDiagnoses', () => {
  let harness: TestCollector;

  beforeAll(async () => {
    harness = await startTestCollector();
    await harness.collector.serving;
  });

  afterAll(() => harness.cleanup());

  it('sends a snapshot, then a NodeDetail on every status or cause change, including Unreachable after 3 intervals', async () => {
    const agent = agentServiceClient(harness.grpcTarget);
    const early = new AgentStream(agent);
    await early.hello(hello('known-before'));
    early.end();
    await early.status;

    const query = queryServiceClient(harness.grpcTarget);
    const events: NodeDetail__Output[] = [];
    const watch = query.watchDiagnoses({});
    watch.on('data', (detail: NodeDetail__Output) => events.push(detail));
    watch.on('error', () => undefined);
    const seen = (what: string, match: (detail: NodeDetail__Output) => boolean) =>
      waitFor(
        what,
        () => events.find(match),
        { timeoutMs: 15_000, intervalMs: 20 },
        () =>
          JSON.stringify(
            events.map((event) => [event.node, event.status, event.causes.map((cause) => cause.id)]),
          ),
      );

    // Snapshot: the node known before the watch began.
    await seen(
      'the snapshot',
      (detail) => detail.node === 'known-before' && detail.status === 'NODE_STATUS_READY',
    );

    // A new node at a 200 ms interval: Ready, then AtRisk with a critical memory finding.
    const stream = new AgentStream(agent);
    await stream.hello(hello('flaky', { interval: { seconds: '0', nanos: 200_000_000 } }));
    await stream.batch([report(1)], 2);
    await seen('flaky Ready', (detail) => detail.node === 'flaky' && detail.status === 'NODE_STATUS_READY');
    await stream.batch([report(2, { findings: [finding()] })], 3);
    const notReady = await seen(
      'flaky AtRisk',
      (detail) => detail.node === 'flaky' && detail.status === 'NODE_STATUS_AT_RISK',
    );
    expect(notReady.causes.map((cause) => cause.id)).toEqual(['CAUSE_ID_MEMORY_PRESSURE']);
    const before = events.length;
    // The same diagnosis again (only the numbers move) is not a change.
    await stream.batch(
      [report(3, { findings: [finding({ summary: 'MemAvailable 79.0 MiB is below 100 MiB' })] })],
      4,
    );
    await stream.batch([report(4, { findings: [finding()] })], 5);

    // Silence: more than 3 × 200 ms without a report (the stream stays open, as a wedged agent's would).
    const unreachable = await seen(
      'flaky Unreachable',
      (detail) => detail.node === 'flaky' && detail.status === 'NODE_STATUS_UNREACHABLE',
    );
    expect(unreachable.causes.map((cause) => cause.id)).toEqual([
      'CAUSE_ID_NODE_UNREACHABLE',
      'CAUSE_ID_MEMORY_PRESSURE',
    ]);
    expect(unreachable.causes[0]?.summary).toMatch(
      /^No report from the agent for [\d.]+m?s \(more than 3 intervals of 200ms\)/,
    );
    // Between AtRisk and Unreachable only confidence changes of the same cause were announced (0.67, 1).
    const between = events
      .slice(before)
      .filter((detail) => detail.node === 'flaky' && detail.status === 'NODE_STATUS_AT_RISK');
    expect(between.map((detail) => detail.causes[0]?.confidence)).toEqual([0.67, 1]);

    // It reports again: back to AtRisk.
    await stream.batch([report(5, { findings: [finding()] })], 6);
    await waitFor('flaky back from Unreachable', () => {
      const last = events.filter((detail) => detail.node === 'flaky').at(-1);
      return last?.status === 'NODE_STATUS_AT_RISK' ? last : undefined;
    });
    watch.cancel();
    stream.end();
    query.close();
    agent.close();
  });

  it('ends watchers with OK when the collector shuts down', async () => {
    const query = queryServiceClient(harness.grpcTarget);
    const watch = query.watchDiagnoses({ node: 'flaky' });
    const first = new Promise((resolve) => watch.once('data', resolve));
    const ended = new Promise<{ code: number }>((resolve) => watch.on('status', resolve));
    watch.on('error', () => undefined);
    await first;
    await harness.stop();
    expect((await ended).code).toBe(status.OK);
    query.close();
  });
});
