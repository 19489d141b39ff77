import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeSummaryJson } from '../../../common/api/http-v1.js';
import { parseExposition, samplesOf } from '../../harness/metrics-text.js';
import { waitFor } from '../../harness/wait-for.js';
import { AgentStream, agentServiceClient, finding, hello, report } from './agent-client-support.js';
import { getJson, startTestCollector, type TestCollector } from './collector-test-support.js';

/** One parsed server-sent event (or a comment line such as a heartbeat). */
interface Frame {
  readonly event?: string;
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
}

/** A GET /api/v1/watch client over node:http that keeps every frame it receives. */
class EventClient {
  readonly frames: Frame[] = [];
  private buffer = '';
  closed = false;

  private constructor(
    readonly response: IncomingMessage,
    private readonly destroy: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const frame: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else {
            const colon = line.indexOf(':');
            frame[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
        }
        this.frames.push(frame);
        end = this.buffer.indexOf('\n\n');
      }
    });
    response.on('close', () => {
      this.closed = true;
    });
  }

  static open(base: string): Promise<EventClient> {
    return new Promise((resolve, reject) => {
      const request = get(`${base}/api/v1/watch`, (response) =>
        resolve(new EventClient(response, () => request.destroy())),
      );
      request.on('error', reject);
    });
  }

  /** The `node` events so far, parsed. */
  nodes(): NodeSummaryJson[] {
    return this.frames
      .filter((frame) => frame.event === 'node')
      .map((frame) => JSON.parse(frame.data ?? '') as NodeSummaryJson);
  }

  seen(what: string, match: (summary: NodeSummaryJson) => boolean): Promise<NodeSummaryJson> {
    return waitFor(
      what,
      () => this.nodes().find(match),
      { timeoutMs: 15_000, intervalMs: 20 },
      () => JSON.stringify(this.frames),
    );
  }

  close(): void {
    this.destroy();
  }
}

async function metric(base: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return samplesOf(parseExposition(text), name)[0]?.value;
}

describe('GET /api/v1/watch (server-sent events)', () => {
  let harness: TestCollector;

  beforeAll(async () => {
    harness = await startTestCollector({ hooks: { maxEventStreams: 2, eventHeartbeatMs: 100 } });
    await harness.collector.serving;
  });

  afterAll(() => harness.cleanup());

  it('sends every node on connect, then a node whenever its status or causes change', async () => {
    const agent = agentServiceClient(harness.grpcTarget);
    const early = new AgentStream(agent);
    await early.hello(hello('known-before'));
    early.end();
    await early.status;

    const client = await EventClient.open(harness.httpBase);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.response.headers['cache-control']).toBe('no-store');
    await waitFor('the retry field', () => client.frames[0]);
    expect(client.frames[0]).toEqual({ retry: '2000' });
    const snapshot = await client.seen('the snapshot', (node) => node.node === 'known-before');
    expect(snapshot).toMatchObject({ status: 'Ready', causes: [] });

    const stream = new AgentStream(agent);
    await stream.hello(hello('web-2'));
    await stream.batch([report(1)], 2);
    await client.seen('web-2 Ready', (node) => node.node === 'web-2' && node.status === 'Ready');
    await stream.batch([report(2, { findings: [finding()] })], 3);
    // The classifier's first judgement of a new critical finding (AtRisk or NotReady, as its hysteresis has it).
    const changed = await client.seen(
      'web-2 with a cause',
      (node) => node.node === 'web-2' && node.causes.length > 0,
    );
    expect(changed.status).not.toBe('Ready');
    // The document of GET /api/v1/nodes: the top cause only, with its runbook.
    expect(changed.causes.map((cause) => [cause.id, cause.severity, cause.runbook])).toEqual([
      ['memory-pressure', 'critical', '/runbooks/memory-pressure'],
    ]);
    const listed = (await getJson(harness.httpBase, '/api/v1/nodes')).body as NodeSummaryJson[];
    const latest = client
      .nodes()
      .filter((node) => node.node === 'web-2')
      .at(-1);
    expect(listed.find((node) => node.node === 'web-2')).toEqual({ ...latest, lastSeen: expect.any(String) });

    // Heartbeats are comment lines (no event for EventSource).
    await waitFor('a heartbeat', () => client.frames.find((frame) => frame.comment === 'heartbeat'));
    stream.end();
    await stream.status;
    agent.close();
    client.close();
  });

  it('bounds the open streams (503 TOO_MANY_WATCHERS, counted), and frees a slot when a client leaves', async () => {
    await waitFor('no stream open', async () =>
      (await metric(harness.httpBase, 'nodedoc_collector_event_streams')) === 0 ? true : undefined,
    );
    const first = await EventClient.open(harness.httpBase);
    const second = await EventClient.open(harness.httpBase);
    expect(await metric(harness.httpBase, 'nodedoc_collector_event_streams')).toBe(2);
    const refused = await getJson(harness.httpBase, '/api/v1/watch');
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      error: {
        code: 'TOO_MANY_WATCHERS',
        message: 'already 2 event streams open (the limit); poll /api/v1/nodes instead or retry later',
      },
    });
    expect(await metric(harness.httpBase, 'nodedoc_collector_event_streams_rejected_total')).toBe(1);

    first.close();
    await waitFor('the slot freed', async () =>
      (await metric(harness.httpBase, 'nodedoc_collector_event_streams')) === 1 ? true : undefined,
    );
    const third = await EventClient.open(harness.httpBase);
    expect(third.response.statusCode).toBe(200);
    second.close();
    third.close();
  });

  it('takes no query parameters', async () => {
    const answer = await getJson(harness.httpBase, '/api/v1/watch?node=x');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'UNKNOWN_PARAMETER' } });
  });

  it('ends open streams when the collector shuts down', async () => {
    const client = await EventClient.open(harness.httpBase);
    await client.seen('the snapshot', (node) => node.node === 'known-before');
    await harness.stop();
    await waitFor('the stream to end', () => (client.closed ? true : undefined));
  });
});
