/**
 * The per-Alertmanager sender against a real HTTP server on loopback that records what it is sent and answers
 * as the test says (accept, fail, hang): batching, retries, kept resolves, rate-limited logs and a stop that does
 * not wait for a hanging Alertmanager. The real Alertmanager is in test/integration/alertmanager.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AlertingMetrics,
  registerAlertingMetrics,
} from '../../../collector/alerting/alerting-metrics.js';
import {
  AlertmanagerSender,
  MAX_ALERTS_PER_REQUEST,
  MAX_PENDING_RESOLVES,
} from '../../../collector/alerting/alertmanager-sender.js';
import { parseAlertmanagerUrl } from '../../../collector/alerting/alertmanager-target.js';
import type { PostableAlert } from '../../../collector/alerting/postable-alert.js';
import { waitFor } from '../../harness/wait-for.js';

type Answer = 'accept' | 'fail' | 'hang';

/** A loopback HTTP server standing in for Alertmanager's POST /api/v2/alerts. */
async function fakeAlertmanager() {
  const posts: Array<{ path: string; authorization: string | undefined; alerts: PostableAlert[] }> = [];
  const answers: Answer[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      posts.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        alerts: JSON.parse(body) as PostableAlert[],
      });
      const answer = answers.shift() ?? 'accept';
      if (answer === 'hang') hanging.push(response);
      else if (answer === 'fail') response.writeHead(503).end('{"message":"overloaded"}');
      else response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://user:pw@127.0.0.1:${port}/am/`,
    posts,
    /** Answers for the next requests, in order; accept after they run out. */
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function alert(node: string, endsAt = '2026-11-23T10:04:00.000Z'): PostableAlert {
  return {
    labels: {
      alertname: 'NodedocNodeCause',
      node,
      cause: 'kubelet-down',
      severity: 'critical',
      scope: 'node',
    },
    annotations: { summary: 'kubelet down' },
    startsAt: '2026-11-23T10:00:00.000Z',
    endsAt,
    generatorURL: `http://nodedoc.test/api/v1/nodes/${node}`,
  };
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setup(firing: Array<[string, PostableAlert]>, requestTimeoutMs?: number) {
  const server = await fakeAlertmanager();
  const target = parseAlertmanagerUrl(server.url);
  if (typeof target === 'string') throw new Error(target);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line));
      callback();
    },
  });
  const metrics: AlertingMetrics = registerAlertingMetrics(new Registry());
  const sender = new AlertmanagerSender({
    target,
    firing: (keys) => {
      if (keys === undefined) return firing;
      const wanted = new Set(keys);
      return firing.filter(([key]) => wanted.has(key));
    },
    metrics,
    logger: pino({ level: 'info', base: null }, sink),
    now: Date.now,
    retryMaxMs: 60_000,
    requestTimeoutMs,
  });
  cleanups.push(
    () => sender.stop(),
    () => server.close(),
  );
  const count = async (result: string) =>
    (await metrics.notifications.get()).values.find((sample) => sample.labels.result === result)?.value ?? 0;
  return { server, sender, logs, metrics, count };
}

describe('Alertmanager sender', () => {
  it('sends everything on a full push, in bounded batches, with basic auth to the v2 API under the base path', async () => {
    const firing = Array.from(
      { length: 2 * MAX_ALERTS_PER_REQUEST + 7 },
      (_, i) => [`k${i}`, alert(`n${i}`)] as [string, PostableAlert],
    );
    const { server, sender, count } = await setup(firing);
    sender.push(true);
    await waitFor('three requests', () => (server.posts.length === 3 ? true : undefined));
    expect(server.posts.map((post) => post.alerts.length)).toEqual([
      MAX_ALERTS_PER_REQUEST,
      MAX_ALERTS_PER_REQUEST,
      7,
    ]);
    expect(server.posts.flatMap((post) => post.alerts.map((a) => a.labels.node))).toEqual(
      firing.map(([, a]) => a.labels.node),
    );
    expect(new Set(server.posts.map((post) => post.path))).toEqual(new Set(['/am/api/v2/alerts']));
    expect(server.posts[0]?.authorization).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);
    expect(await count('success')).toBe(3);
  });

  it('sends only what started and what resolved on a change push', async () => {
    const { server, sender } = await setup([
      ['a', alert('a')],
      ['b', alert('b')],
    ]);
    sender.queueStarted('b');
    sender.queueResolved('c', alert('c', '2026-11-23T10:00:30.000Z'));
    sender.push(false);
    await waitFor('a request', () => server.posts[0]);
    expect(server.posts[0]?.alerts.map((a) => [a.labels.node, a.endsAt])).toEqual([
      ['c', '2026-11-23T10:00:30.000Z'],
      ['b', '2026-11-23T10:04:00.000Z'],
    ]);
    // Delivered: the resolve is not sent again.
    expect([...sender.pendingResolves()]).toEqual([]);
  });

  it('keeps a resolve through failures, retries with backoff and logs the outage once', async () => {
    const { server, sender, logs, count } = await setup([['a', alert('a')]]);
    server.answers.push('fail', 'fail');
    sender.queueResolved('gone', alert('gone', '2026-11-23T10:00:30.000Z'));
    sender.push(false);
    await waitFor('the third attempt', () => (server.posts.length >= 3 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    // The retries send everything: the resolve and the firing alert.
    expect(server.posts.map((post) => post.alerts.map((a) => a.labels.node))).toEqual([
      ['gone'],
      ['gone', 'a'],
      ['gone', 'a'],
    ]);
    await waitFor('the resolve to be delivered', () =>
      [...sender.pendingResolves()].length === 0 ? true : undefined,
    );
    expect([await count('failure'), await count('success')]).toEqual([2, 1]);
    expect(logs.map((line) => [line.msg, line.alertmanager])).toEqual([
      ['alertmanager push failed; retrying', server.url.replace('user:pw@', '')],
      ['alertmanager push recovered', server.url.replace('user:pw@', '')],
    ]);
    expect((logs[0]?.err as { message?: string } | undefined)?.message).toBe(
      'HTTP 503: {"message":"overloaded"}',
    );
  });

  it('counts a request that hangs past its timeout as a failure', async () => {
    const { server, sender, count } = await setup([['a', alert('a')]], 200);
    server.answers.push('hang');
    sender.push(true);
    await waitFor('the timeout', async () => ((await count('failure')) === 1 ? true : undefined));
    expect(await count('success')).toBe(0);
  });

  it('stops without waiting for a hanging Alertmanager, and sends nothing afterwards', async () => {
    const { server, sender, count } = await setup([['a', alert('a')]]);
    server.answers.push('hang');
    sender.push(true);
    await waitFor('the request', () => server.posts[0]);
    await sender.stop();
    sender.push(true);
    expect(server.posts).toHaveLength(1);
    // An abort by stop() is no failure of the Alertmanager.
    expect(await count('failure')).toBe(0);
  });

  it('drops the oldest resolve past the cap, counting it', async () => {
    const { sender, metrics } = await setup([]);
    for (let i = 0; i <= MAX_PENDING_RESOLVES; i += 1) sender.queueResolved(`k${i}`, alert(`n${i}`));
    const pending = [...sender.pendingResolves()];
    expect(pending).toHaveLength(MAX_PENDING_RESOLVES);
    expect(pending[0]).toBe('k1');
    expect((await metrics.droppedResolves.get()).values.map((sample) => sample.value)).toEqual([1]);
  });

  it('drops a pending resolve when the alert fires again', async () => {
    const { sender } = await setup([]);
    sender.queueResolved('a', alert('a'));
    sender.queueStarted('a');
    expect([...sender.pendingResolves()]).toEqual([]);
  });
});
