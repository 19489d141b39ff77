import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Netns } from './netns.js';
import { waitFor } from './wait-for.js';

/*
 * A TCP port on a test namespace's loopback that leads to a port on the host's loopback, for a program
 * that must run inside the namespace (an agent probing a dnsmasq or reading a conntrack table there) and
 * talk to one outside it (the collector). A socket cannot cross network namespaces, but a unix socket is a
 * file: a relay inside the namespace accepts on 127.0.0.1:PORT and connects to a unix socket, which this
 * process accepts on and connects to the host port. No interface, address or route is added anywhere, so
 * the host's network is untouched.
 */

/** The relay binds in milliseconds; this only bounds a broken start. */
const START_TIMEOUT_MS = 10_000;
/** The relay prints this line once it listens. */
const READY_LINE = 'netns-bridge ready';

/**
 * The relay inside the namespace, as plain JavaScript so `node --eval` runs it there as is: accepts TCP on
 * the namespace's loopback and splices each connection to a new connection to the unix socket.
 */
const RELAY_PROGRAM = `
import net from 'node:net';
const { port, path } = JSON.parse(process.argv.at(-1));
const splice = (a, b) => {
  a.pipe(b);
  b.pipe(a);
  for (const [one, other] of [[a, b], [b, a]]) {
    one.on('error', () => other.destroy());
    one.on('close', () => other.destroy());
  }
};
const server = net.createServer((client) => splice(client, net.connect({ path })));
server.listen(port, '127.0.0.1', () => process.stdout.write('${READY_LINE}\\n'));
process.once('SIGTERM', () => process.exit(0));
`;

/** Joins two sockets both ways; either one closing or failing closes the other. */
function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  for (const [one, other] of [
    [a, b],
    [b, a],
  ] as const) {
    one.on('error', () => other.destroy());
    one.on('close', () => other.destroy());
  }
}

export interface NetnsBridge {
  /** "127.0.0.1:PORT" as a program inside the namespace dials it. */
  readonly target: string;
  /** Stops the relay, drops every bridged connection and removes the unix socket. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Opens 127.0.0.1:`listenPort` inside `netns`, leading to 127.0.0.1:`hostPort` on the host. */
export async function bridgeIntoNetns(
  netns: Netns,
  listenPort: number,
  hostPort: number,
): Promise<NetnsBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'nodedoc-netns-bridge-'));
  const path = join(dir, 'bridge.sock');
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = tcpConnect({ host: '127.0.0.1', port: hostPort });
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    splice(inbound, outbound);
  });
  server.listen(path);
  await once(server, 'listening');

  const child = netns.spawn(
    process.execPath,
    ['--input-type=module', '--eval', RELAY_PROGRAM, JSON.stringify({ port: listenPort, path })],
    { stdio: 'pipe' },
  );
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit');

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    running.delete(child);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      `the bridge relay to listen on 127.0.0.1:${listenPort} in ${netns.name}`,
      () => {
        if (child.exitCode !== null) throw new Error(`relay exited ${child.exitCode}: ${output}`);
        return output.includes(READY_LINE) ? true : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 20 },
      () => output,
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { target: `127.0.0.1:${listenPort}`, close };
}
