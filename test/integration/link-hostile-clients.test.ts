import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IDLE_CONNECTION_MS,
  SERVER_KEEPALIVE_TIME_MS,
  SERVER_KEEPALIVE_TIMEOUT_MS,
} from '../../collector/grpc/grpc-server.js';
import { MAX_MESSAGE_BYTES } from '../../collector/ingest/wire-limits.js';
import type { ListNodesResponse__Output } from '../../proto/gen/nodedoc/v1/ListNodesResponse.js';
import type { RunningAgent } from '../harness/agent-process.js';
import { CollectorProcess } from '../harness/collector-process.js';
import { samplesOf } from '../harness/metrics-text.js';
import { requires } from '../harness/system-requirements.js';
import { waitFor } from '../harness/wait-for.js';
import {
  AgentStream,
  agentServiceClient,
  batch,
  hello,
  queryServiceClient,
  report,
} from '../unit/collector/agent-client-support.js';
import { agentLogged, killAgent, startLinkAgent } from './link-support.js';

/**
 * Hostile clients against the real collector process, with its production limits, while a real agent
 * streams to it: an oversized message, an invalid node name, random bytes on the gRPC port, and thousands
 * of connections that never open a call. Each is turned away on its own; the agent's reports keep being
 * stored and the HTTP API keeps answering throughout (an HTTP poller runs for the whole file).
 */

const STEADY_NODE = 'e2e-steady';
/** Thousands, bounded: each costs a socket here and one in the collector. */
const IDLE_CONNECTIONS = 3_000;
/** Connections opened at once: under the listen backlog (Node's default 511), so no SYN is dropped. */
const CONNECT_CHUNK = 250;
const RANDOM_BYTE_CLIENTS = 20;
/** Sockets this process and the collector need beyond the idle ones (agent, HTTP, pipes, SQLite). */
const FD_HEADROOM = 1_000;
const NEEDED_OPEN_FILES = IDLE_CONNECTIONS + FD_HEADROOM;
/**
 * When the collector has closed every idle connection, at the latest. Most go at IDLE_CONNECTION_MS. A few
 * percent are not closed by grpc-js's idle timer: it re-checks `Date.now() - lastIdle >= timeout` when its
 * setTimeout fires, and a timer that fires a millisecond "early" by that clock re-arms for another full
 * period. Those are reaped by the server's keepalive instead (a PING the raw socket never answers).
 */
const REAPED_WITHIN_MS =
  Math.min(IDLE_CONNECTION_MS * 2, SERVER_KEEPALIVE_TIME_MS + SERVER_KEEPALIVE_TIMEOUT_MS) + 15_000;
/** Descriptors the collector may hold over its baseline for reasons of its own (HTTP keep-alive, SQLite). */
const FD_SLACK = 20;
/** Reports the agent must get stored after each hostile act (200 ms apart). */
const PROGRESS_REPORTS = 5;
const HTTP_POLL_MS = 250;
const WAIT = { timeoutMs: 20_000, intervalMs: 100 };

/** Soft and hard RLIMIT_NOFILE of a process, from /proc. */
function openFileLimits(pid: number | 'self'): { soft: number; hard: number } {
  const line = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(
    readFileSync(`/proc/${pid}/limits`, 'utf8'),
  );
  const value = (text: string | undefined) =>
    text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

/** Whether this process must raise its soft open-file limit (with prlimit) to hold the idle connections. */
const MUST_RAISE_OPEN_FILES = openFileLimits('self').soft < NEEDED_OPEN_FILES;

/** Why this process cannot get NEEDED_OPEN_FILES descriptors, or undefined when it can. */
function openFileProblem(): string | undefined {
  const { hard } = openFileLimits('self');
  if (MUST_RAISE_OPEN_FILES && hard < NEEDED_OPEN_FILES && process.getuid?.() !== 0) {
    return `an open-file hard limit of ${NEEDED_OPEN_FILES} (it is ${hard}; run as root or raise it)`;
  }
  return undefined;
}

/**
 * Raises this process's soft open-file limit (the collector, spawned afterwards, inherits it). Node cannot
 * call setrlimit on itself, so prlimit(1) does it from outside.
 */
function ensureOpenFiles(needed: number): void {
  const { soft, hard } = openFileLimits('self');
  if (soft >= needed) return;
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${needed}:${Math.max(hard, needed)}`]);
  const raised = openFileLimits('self').soft;
  if (raised < needed) throw new Error(`open-file limit still ${raised} after prlimit, ${needed} needed`);
}

function openFileCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    // Read (and drop) whatever the server sends, so its FIN is seen and the socket ends.
    socket.resume();
    socket.once('error', reject);
  });
}

function ended(socket: Socket): boolean {
  return socket.destroyed || socket.readableEnded;
}

/** Every answer the HTTP poller got: status and the steady node's received count (-1 when not 200). */
interface Poll {
  readonly at: number;
  readonly status: number | string;
  readonly received: number;
}

let scratch: string;
let collector: CollectorProcess;
let agent: RunningAgent | undefined;
const polls: Poll[] = [];
let polling = true;
let poller: Promise<void> = Promise.resolve();

async function steadyReceived(): Promise<number> {
  return (await collector.ingest(STEADY_NODE))?.received ?? 0;
}

/** Waits until the steady agent got PROGRESS_REPORTS more reports stored than `from`. */
async function agentKeepsStreaming(from: number): Promise<number> {
  return waitFor(
    `the steady agent's reports stored past ${from + PROGRESS_REPORTS}`,
    async () => {
      const received = await steadyReceived();
      return received >= from + PROGRESS_REPORTS ? received : undefined;
    },
    WAIT,
  );
}

async function listNodes(): Promise<string[]> {
  const query = queryServiceClient(collector.grpcTarget);
  try {
    const response = await new Promise<ListNodesResponse__Output>((resolve, reject) =>
      query.listNodes({}, (error: ServiceError | null, value?: ListNodesResponse__Output) =>
        error || !value ? reject(error) : resolve(value),
      ),
    );
    return response.nodes.map((node) => node.node);
  } finally {
    query.close();
  }
}

async function rejectedStreams(reason: string): Promise<number> {
  const samples = samplesOf(await collector.metrics(), 'nodedoc_collector_streams_rejected_total', {
    reason,
  });
  return samples[0]?.value ?? Number.NaN;
}

describe.skipIf(requires({ commands: MUST_RAISE_OPEN_FILES ? ['prlimit'] : [], check: openFileProblem }))(
  'hostile clients against the collector process',
  () => {
    beforeAll(async () => {
      ensureOpenFiles(NEEDED_OPEN_FILES);
      scratch = mkdtempSync(join(tmpdir(), 'nodedoc-e2e-hostile-'));
      collector = await CollectorProcess.start({ dataDir: join(scratch, 'data') });
      agent = await startLinkAgent([
        '--collector',
        collector.grpcTarget,
        '--spool-dir',
        join(scratch, 'spool'),
        '--node-name',
        STEADY_NODE,
        '--interval',
        '200ms',
      ]);
      await agentKeepsStreaming(0);
      poller = (async () => {
        while (polling) {
          const at = Date.now();
          try {
            const answer = await collector.get<{ ingest?: { received: number } }>(
              `/api/v1/nodes/${STEADY_NODE}`,
            );
            polls.push({ at, status: answer.status, received: answer.body.ingest?.received ?? -1 });
          } catch (error) {
            polls.push({ at, status: error instanceof Error ? error.message : String(error), received: -1 });
          }
          await sleep(HTTP_POLL_MS);
        }
      })();
    });

    afterAll(async () => {
      polling = false;
      await poller;
      await killAgent(agent);
      await collector?.dispose();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('ends a stream sending a message over the size limit with RESOURCE_EXHAUSTED, storing nothing of it', async () => {
      const before = await steadyReceived();
      const client = agentServiceClient(collector.grpcTarget);
      try {
        const stream = new AgentStream(client);
        await stream.hello(hello('e2e-oversized'));
        stream.send({
          batch: batch([report(1, { samplesJson: `{"x":"${'x'.repeat(MAX_MESSAGE_BYTES)}"}` })]),
        });
        expect((await stream.status).code).toBe(status.RESOURCE_EXHAUSTED);
      } finally {
        client.close();
      }
      expect(await collector.ingest('e2e-oversized')).toMatchObject({ received: 0, lastSeq: '0' });
      await agentKeepsStreaming(before);
    });

    it('ends a stream whose Hello names an invalid node with INVALID_ARGUMENT, and logs it', async () => {
      const before = await steadyReceived();
      const badName = 'E2E_Not-a-node!';
      const client = agentServiceClient(collector.grpcTarget);
      try {
        const stream = new AgentStream(client);
        stream.send({ hello: hello(badName) });
        const ended = await stream.status;
        expect(ended.code).toBe(status.INVALID_ARGUMENT);
        expect(ended.details).toContain(`invalid hello: node_name: ${JSON.stringify(badName)}`);
        expect(stream.messages).toEqual([]);
      } finally {
        client.close();
      }
      const logged = await waitFor(
        'the rejection logged',
        () =>
          collector
            .logs()
            .find(
              (line) => line.msg === 'agent stream ended by the collector' && line.reason === 'INVALID_HELLO',
            ),
        WAIT,
      );
      expect(logged.level).toBe('warn');
      expect(await rejectedStreams('invalid-hello')).toBe(1);
      expect((await collector.get(`/api/v1/nodes/${encodeURIComponent(badName)}`)).status).toBe(400);
      await agentKeepsStreaming(before);
    });

    it(`drops ${RANDOM_BYTE_CLIENTS} connections that send random bytes`, async () => {
      const before = await steadyReceived();
      const sockets = await Promise.all(
        Array.from({ length: RANDOM_BYTE_CLIENTS }, () => openSocket(collector.grpcPort)),
      );
      for (const socket of sockets) {
        socket.on('error', () => undefined);
        socket.write(randomBytes(4_096));
      }
      await waitFor(
        'the collector to close every connection that sent garbage',
        () => (sockets.every(ended) ? true : undefined),
        WAIT,
        () => `${sockets.filter((socket) => !ended(socket)).length} still open`,
      );
      expect(collector.running).toBe(true);
      await agentKeepsStreaming(before);
    });

    it(
      `holds ${IDLE_CONNECTIONS} connections that never open a call without harm to others, and closes every one of them once idle`,
      async () => {
        const before = await steadyReceived();
        const baselineFds = openFileCount(collector.pid);
        const sockets: Socket[] = [];
        for (let opened = 0; opened < IDLE_CONNECTIONS; opened += CONNECT_CHUNK) {
          const chunk = await Promise.all(
            Array.from({ length: Math.min(CONNECT_CHUNK, IDLE_CONNECTIONS - opened) }, () =>
              openSocket(collector.grpcPort),
            ),
          );
          for (const socket of chunk) socket.on('error', () => undefined);
          sockets.push(...chunk);
        }
        try {
          // The collector holds every one of them (one descriptor each)...
          await waitFor(
            'the collector to accept every idle connection',
            () =>
              openFileCount(collector.pid) >= baselineFds + IDLE_CONNECTIONS - FD_SLACK ? true : undefined,
            WAIT,
            () => `${openFileCount(collector.pid) - baselineFds} accepted`,
          );
          // ...and meanwhile stores the agent's reports and answers gRPC queries.
          await agentKeepsStreaming(before);
          expect(await listNodes()).toContain(STEADY_NODE);
          // Not closed on sight: they were held until now, and are reaped by the idle timeout.
          expect(sockets.filter(ended)).toHaveLength(0);

          const progressBeforeReaping = await steadyReceived();
          await waitFor(
            'the collector to close every idle connection',
            () => (sockets.every(ended) ? true : undefined),
            { timeoutMs: REAPED_WITHIN_MS, intervalMs: 500 },
            () => `${sockets.filter((socket) => !ended(socket)).length} still open`,
          );
          // Closed on the collector's side too: their descriptors came back.
          await waitFor(
            'the collector to release their descriptors',
            () => (openFileCount(collector.pid) <= baselineFds + FD_SLACK ? true : undefined),
            WAIT,
            () => `${openFileCount(collector.pid) - baselineFds} over the baseline`,
          );
          await agentKeepsStreaming(progressBeforeReaping);
        } finally {
          for (const socket of sockets) socket.destroy();
        }
      },
      REAPED_WITHIN_MS + 45_000,
    );

    it('answered every HTTP poll throughout, with the steady agent ingest figures only ever advancing', () => {
      const failures = polls.filter((poll) => poll.status !== 200);
      expect(failures).toEqual([]);
      expect(polls.length).toBeGreaterThan(IDLE_CONNECTION_MS / HTTP_POLL_MS / 2);
      const received = polls.map((poll) => poll.received);
      expect(received).toEqual([...received].sort((a, b) => a - b));
      expect(received.at(-1)).toBeGreaterThan(received[0] ?? Number.POSITIVE_INFINITY);
      // One stream for the whole file: the agent never lost its link.
      expect(agent && agentLogged(agent, 'collector link up')).toHaveLength(1);
      expect(agent && agentLogged(agent, 'collector link down; spooling and reconnecting')).toEqual([]);
    });
  },
);
