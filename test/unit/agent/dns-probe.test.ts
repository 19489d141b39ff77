import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DecodedPacket, decode, encode, type Packet } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyProbe } from '../../../agent/dns/classify-outcome.js';
import { buildQuery } from '../../../agent/dns/dns-query.js';
import type { ProbeQuestion } from '../../../agent/dns/probe-plan.js';
import { probeServer } from '../../../agent/dns/probe-server.js';
import { queryTcp } from '../../../agent/dns/tcp-query.js';
import { queryUdp } from '../../../agent/dns/udp-query.js';
import { waitFor } from '../../harness/wait-for.js';

/*
 * The probes against tiny DNS servers written in the test, on 127.0.0.1: each server decides, per
 * query, which datagrams or TCP messages to send back (wrong ids, wrong questions, slow answers), so
 * the probe's matching and timing rules are exercised on real sockets.
 */

const SERVICE: ProbeQuestion = { name: 'kubernetes.default.svc.cluster.local.', type: 'A', expect: 'exists' };
const RANDOM: ProbeQuestion = { name: 'nodedoc-probe-0a1b.cluster.local.', type: 'A', expect: 'nonexistent' };
/** Long enough never to fire on an answered probe, short enough to keep timeout tests quick. */
const SHORT_TIMEOUT_MS = 300;
const LONG_TIMEOUT_MS = 60_000;
const LOCALHOST = '127.0.0.1';
/**
 * Node timers run off the event loop's cached millisecond clock, so a 100 ms sleep can look a little
 * shorter to hrtime (up to about a millisecond per timer); lower bounds on measured latency allow this.
 */
const TIMER_SLACK_SECONDS = 0.005;

type Reply = (query: DecodedPacket) => Packet | Buffer;

function response(query: DecodedPacket, overrides: Partial<Packet> & { rcode?: string } = {}): Packet {
  const { rcode = 'NOERROR', ...rest } = overrides;
  const rcodes: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
  return {
    type: 'response',
    id: query.id,
    flags: rcodes[rcode] ?? 0,
    questions: query.questions,
    answers:
      rcode === 'NOERROR' && query.questions?.[0]?.type === 'A'
        ? [{ type: 'A', name: query.questions[0].name, ttl: 5, data: '10.96.0.1' }]
        : [],
    ...rest,
  };
}

const wire = (packet: Packet | Buffer) => (Buffer.isBuffer(packet) ? packet : encode(packet));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface UdpServer {
  readonly port: number;
  readonly queries: DecodedPacket[];
  readonly socket: Socket;
}

/** A UDP server that answers each query with the replies `script` returns, `delayMs` apart. */
async function udpServer(
  script: (query: DecodedPacket, remote: RemoteInfo) => readonly Reply[],
  delayMs = 0,
): Promise<UdpServer> {
  const socket = createSocket('udp4');
  const queries: DecodedPacket[] = [];
  socket.on('message', async (message, remote) => {
    const query = decode(message);
    queries.push(query);
    for (const reply of script(query, remote)) {
      if (delayMs > 0) await sleep(delayMs);
      socket.send(wire(reply(query)), remote.port, remote.address);
    }
  });
  socket.bind(0, LOCALHOST);
  await once(socket, 'listening');
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, queries, socket };
}

/** A TCP server handing each connection to `handle`. */
async function tcpServer(handle: (connection: TcpSocket) => void): Promise<{ port: number; server: Server }> {
  const connections = new Set<TcpSocket>();
  const server = createServer((connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    connection.on('error', () => undefined);
    handle(connection);
  });
  server.listen(0, LOCALHOST);
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const connection of connections) connection.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP port');
  return { port: address.port, server };
}

/** Reads one length-prefixed DNS message from a TCP connection. */
function onTcpQuery(connection: TcpSocket, handler: (query: DecodedPacket) => void): void {
  let buffered = Buffer.alloc(0);
  connection.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      handler(decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))));
    }
  });
}

function framed(packet: Packet): Buffer {
  const body = encode(packet);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(body.length);
  return Buffer.concat([prefix, body]);
}

/** A port nothing listens on: bound, read and released (the kernel does not hand it out again at once). */
async function closedPort(type: 'udp' | 'tcp'): Promise<number> {
  if (type === 'udp') {
    const socket = createSocket('udp4');
    socket.bind(0, LOCALHOST);
    await once(socket, 'listening');
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createServer();
  server.listen(0, LOCALHOST);
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

const handles = (kind: string) => process.getActiveResourcesInfo().filter((name) => name === kind).length;

/** Handles are released in the event loop's close phase, a turn or two after close(): give it time. */
async function settledHandles(kind: string): Promise<number> {
  await sleep(20);
  return handles(kind);
}

/** Waits (bounded) until the count of `kind` handles is `expected`; fails with the count seen. */
const handlesReach = (kind: string, expected: number) =>
  waitFor(
    `${expected} ${kind} handles`,
    () => (handles(kind) === expected ? true : undefined),
    {
      timeoutMs: 5_000,
      intervalMs: 10,
    },
    () => String(handles(kind)),
  );

describe('UDP probe', () => {
  it('ignores garbage, wrong ids, queries and other questions, and takes the real answer after them', async () => {
    // Every impostor says SERVFAIL: taking any of them for the answer would show in the rcode.
    const server = await udpServer(() => [
      () => Buffer.from('not a DNS message'),
      (query) => response(query, { id: ((query.id ?? 0) + 1) % 65_536, rcode: 'SERVFAIL' }),
      (query) => ({ ...response(query, { rcode: 'SERVFAIL' }), type: 'query' }),
      (query) => response(query, { questions: [{ type: 'A', name: 'evil.example' }], rcode: 'SERVFAIL' }),
      (query) => response(query, { questions: [{ type: 'AAAA', name: SERVICE.name }], rcode: 'SERVFAIL' }),
      (query) => response(query),
    ]);
    const result = await queryUdp({ host: LOCALHOST, port: server.port }, SERVICE, {
      timeoutMs: LONG_TIMEOUT_MS,
    });
    expect(result).toMatchObject({ kind: 'answer', rcode: 'NOERROR', truncated: false });
    expect(result.kind === 'answer' && result.latencySeconds).toBeGreaterThan(0);
    expect(server.queries).toHaveLength(1);
    expect(server.queries[0]?.questions).toEqual([
      { name: SERVICE.name.slice(0, -1), type: 'A', class: 'IN' },
    ]);
  });

  it('times out when only mismatching datagrams come back', async () => {
    const server = await udpServer(() => [
      (query) => response(query, { id: ((query.id ?? 0) + 1) % 65_536 }),
      (query) => response(query, { questions: [{ type: 'A', name: 'other.cluster.local' }] }),
    ]);
    const result = await queryUdp({ host: LOCALHOST, port: server.port }, SERVICE, {
      timeoutMs: SHORT_TIMEOUT_MS,
    });
    expect(result).toEqual({ kind: 'timeout', reason: 'no answer within 300ms' });
    expect(server.queries).toHaveLength(1);
  });

  it('ignores a correct answer sent from another source port (the connected socket filters it)', async () => {
    const impostor = createSocket('udp4');
    impostor.bind(0, LOCALHOST);
    await once(impostor, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => impostor.close(() => resolve())));
    let sent = false;
    const server = await udpServer((query, remote) => {
      impostor.send(encode(response(query)), remote.port, remote.address, () => {
        sent = true;
      });
      return [];
    });
    const result = await queryUdp({ host: LOCALHOST, port: server.port }, SERVICE, {
      timeoutMs: SHORT_TIMEOUT_MS,
    });
    expect(sent).toBe(true);
    expect(result.kind).toBe('timeout');
  });

  it('matches the question case-insensitively (servers may echo 0x20-mixed case)', async () => {
    const server = await udpServer(() => [
      (query) =>
        response(query, { questions: [{ type: 'A', name: SERVICE.name.toUpperCase().slice(0, -1) }] }),
    ]);
    const result = await queryUdp({ host: LOCALHOST, port: server.port }, SERVICE, {
      timeoutMs: LONG_TIMEOUT_MS,
    });
    expect(result).toMatchObject({ kind: 'answer', rcode: 'NOERROR' });
  });

  it('reports ECONNREFUSED (ICMP port unreachable) as refused without waiting for the timeout', async () => {
    const port = await closedPort('udp');
    const result = await queryUdp({ host: LOCALHOST, port }, SERVICE, { timeoutMs: LONG_TIMEOUT_MS });
    expect(result).toEqual({ kind: 'refused', reason: 'ECONNREFUSED: nothing listens there' });
  });

  it('settles at once as cancelled when the signal is aborted, and closes its socket', async () => {
    const server = await udpServer(() => []);
    const before = await settledHandles('UDPWrap');
    const controller = new AbortController();
    const pending = queryUdp({ host: LOCALHOST, port: server.port }, SERVICE, {
      timeoutMs: LONG_TIMEOUT_MS,
      signal: controller.signal,
    });
    await handlesReach('UDPWrap', before + 1);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'error', reason: expect.stringMatching(/cancelled/) });
    await handlesReach('UDPWrap', before);
  });

  it('leaves no socket open after answered, timed-out and refused probes', async () => {
    const answering = await udpServer(() => [(query) => response(query)]);
    const silent = await udpServer(() => []);
    const refusedPort = await closedPort('udp');
    const before = await settledHandles('UDPWrap');
    const options = { timeoutMs: SHORT_TIMEOUT_MS };
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () =>
        queryUdp({ host: LOCALHOST, port: answering.port }, SERVICE, options),
      ),
      queryUdp({ host: LOCALHOST, port: silent.port }, SERVICE, options),
      queryUdp({ host: LOCALHOST, port: refusedPort }, SERVICE, options),
    ]);
    expect(results.map((result) => result.kind)).toEqual([
      'answer',
      'answer',
      'answer',
      'answer',
      'answer',
      'timeout',
      'refused',
    ]);
    await handlesReach('UDPWrap', before);
  });
});

describe('TCP probe', () => {
  it('reads a length-prefixed answer that arrives in pieces, after skipping a mismatching one', async () => {
    const { port } = await tcpServer((connection) =>
      onTcpQuery(connection, async (query) => {
        connection.write(framed(response(query, { id: ((query.id ?? 0) + 7) % 65_536, rcode: 'SERVFAIL' })));
        const answer = framed(response(query));
        connection.write(answer.subarray(0, 1));
        await sleep(20);
        connection.write(answer.subarray(1, 9));
        await sleep(20);
        connection.write(answer.subarray(9));
      }),
    );
    const result = await queryTcp({ host: LOCALHOST, port }, SERVICE, { timeoutMs: LONG_TIMEOUT_MS });
    expect(result).toMatchObject({ kind: 'answer', rcode: 'NOERROR' });
    // Two 20 ms pauses lie between connect and the last byte.
    expect(result.kind === 'answer' && result.latencySeconds).toBeGreaterThanOrEqual(
      0.04 - TIMER_SLACK_SECONDS,
    );
  });

  it('is an error when the server closes without answering', async () => {
    const { port } = await tcpServer((connection) => onTcpQuery(connection, () => connection.end()));
    const result = await queryTcp({ host: LOCALHOST, port }, SERVICE, { timeoutMs: LONG_TIMEOUT_MS });
    expect(result).toEqual({ kind: 'error', reason: 'connection closed before an answer' });
  });

  it('is refused when nothing listens', async () => {
    const port = await closedPort('tcp');
    const result = await queryTcp({ host: LOCALHOST, port }, SERVICE, { timeoutMs: LONG_TIMEOUT_MS });
    expect(result.kind).toBe('refused');
  });

  it('times out on a server that accepts and never answers, and closes the connection', async () => {
    let serverSide: TcpSocket | undefined;
    const { port } = await tcpServer((connection) => {
      serverSide = connection;
      // Read (and drop) the query, so the server notices the end of the stream.
      connection.resume();
    });
    const before = await settledHandles('TCPSocketWrap');
    const result = await queryTcp({ host: LOCALHOST, port }, SERVICE, { timeoutMs: SHORT_TIMEOUT_MS });
    expect(result).toEqual({ kind: 'timeout', reason: 'no answer within 300ms' });
    // The probe destroyed its end: the server sees the connection close.
    await waitFor('the server side to see the close', () => (serverSide?.destroyed ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    await handlesReach('TCPSocketWrap', before);
  });
});

describe('probe outcomes', () => {
  /** A UDP server that answers every question with `rcode`, after `delayMs`. */
  async function rcodeServer(rcode: string, delayMs = 0): Promise<number> {
    const udp = await udpServer(() => [(query) => response(query, { rcode })], delayMs);
    return udp.port;
  }

  const judge = async (port: number, question: ProbeQuestion, lateSeconds = 0.25) =>
    classifyProbe(
      question,
      'udp',
      await queryUdp({ host: LOCALHOST, port }, question, { timeoutMs: LONG_TIMEOUT_MS }),
      lateSeconds,
    );

  it('NXDOMAIN is ok for the random name and a failure for a name that must exist', async () => {
    const port = await rcodeServer('NXDOMAIN');
    expect(await judge(port, RANDOM)).toMatchObject({ outcome: 'ok', rcode: 'NXDOMAIN' });
    expect(await judge(port, SERVICE)).toMatchObject({ outcome: 'rcode', rcode: 'NXDOMAIN' });
  });

  it('SERVFAIL is rcode, REFUSED is refused', async () => {
    expect(await judge(await rcodeServer('SERVFAIL'), SERVICE)).toMatchObject({
      outcome: 'rcode',
      rcode: 'SERVFAIL',
    });
    expect(await judge(await rcodeServer('REFUSED'), RANDOM)).toMatchObject({
      outcome: 'refused',
      rcode: 'REFUSED',
    });
  });

  it('an answer slower than the latency threshold is late, with its measured latency', async () => {
    const port = await rcodeServer('NOERROR', 100);
    const result = await judge(port, SERVICE, 0.05);
    expect(result.outcome).toBe('late');
    expect(result.latencySeconds).toBeGreaterThanOrEqual(0.1 - TIMER_SLACK_SECONDS);
  });

  it('probeServer asks every UDP question and one TCP question of the same server', async () => {
    const udp = await udpServer(() => [(query) => response(query)]);
    // The TCP listener shares the UDP port number, as a DNS server does.
    const server = createServer((connection) =>
      onTcpQuery(connection, (query) => connection.write(framed(response(query)))),
    );
    server.listen(udp.port, LOCALHOST);
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const results = await probeServer(
      { address: { host: LOCALHOST, port: udp.port }, role: 'cluster', udp: [SERVICE, RANDOM], tcp: SERVICE },
      { timeoutMs: LONG_TIMEOUT_MS, lateSeconds: 0.25 },
    );
    expect(results.map(({ name, protocol, outcome }) => [name, protocol, outcome])).toEqual([
      [SERVICE.name, 'udp', 'ok'],
      [RANDOM.name, 'udp', 'ok'],
      [SERVICE.name, 'tcp', 'ok'],
    ]);
    expect(udp.queries.map((query) => query.questions?.[0]?.name)).toEqual(
      expect.arrayContaining([SERVICE.name.slice(0, -1), RANDOM.name.slice(0, -1)]),
    );
  });

  it('gives every query a random id (a stale answer to an earlier probe cannot match a new one)', () => {
    const ids = Array.from({ length: 64 }, () => buildQuery(SERVICE).id);
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < 65_536)).toBe(true);
    // 64 draws from 65536 values collide about 0.03 times on average; a counter or constant would not pass.
    expect(new Set(ids).size).toBeGreaterThanOrEqual(60);
  });
});
