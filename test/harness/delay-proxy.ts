import type { ChildProcess } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Netns } from './netns.js';

/*
 * A user-space latency hop in front of a DNS server: this machine's kernel has no traffic-control
 * qdiscs, so `tc netem delay` is not available. The forwarder runs as its own process inside the
 * test's network namespace (a process cannot move its sockets into another namespace). That process
 * runs this very file, transpiled by TypeScript: everything the forwarder half needs must therefore be
 * a node: built-in, and imports from sibling files must be type-only.
 */

export interface DelayProxyOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  /** Added to every query on its way to the server (UDP datagrams and TCP chunks alike); see setDelay. */
  readonly delayMs: number;
}

/** The forwarder serving; its delay can change while it runs (a fault injected and removed). */
export interface ServingDelayProxy {
  setDelay(delayMs: number): void;
  close(): void;
}

/** How long a per-client upstream UDP socket lives without traffic; probes use one port per query. */
const UDP_FLOW_IDLE_MS = 10_000;
/** The child prints this line once both listeners are bound. */
const READY_LINE = 'delay-proxy ready';
/** The child prints this line, then the new delay, once a delay change read from its stdin applies. */
const DELAY_SET_LINE = 'delay-proxy delay';
const START_TIMEOUT_MS = 10_000;

/** The forwarder: UDP and TCP on the same port, each query held back `delayMs` before it is passed on. */
export async function serveDelayProxy(options: DelayProxyOptions): Promise<ServingDelayProxy> {
  const { listenHost, listenPort, targetHost, targetPort } = options;
  let delayMs = options.delayMs;
  const udp = createSocket(listenHost.includes(':') ? 'udp6' : 'udp4');
  const flows = new Map<string, { socket: Socket; idle: NodeJS.Timeout }>();

  const flowFor = (client: RemoteInfo) => {
    const key = `${client.address}:${client.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const socket = createSocket(targetHost.includes(':') ? 'udp6' : 'udp4');
      socket.on('message', (reply) => udp.send(reply, client.port, client.address));
      socket.on('error', () => socket.close());
      const idle = setTimeout(() => {
        flows.delete(key);
        socket.close();
      }, UDP_FLOW_IDLE_MS);
      flow = { socket, idle };
      flows.set(key, flow);
    }
    flow.idle.refresh();
    return flow.socket;
  };
  udp.on('message', (query, client) => {
    setTimeout(() => flowFor(client).send(query, targetPort, targetHost), delayMs);
  });

  const tcp = createServer((client) => {
    const upstream = tcpConnect({ host: targetHost, port: targetPort });
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    client.on('end', () => setTimeout(() => upstream.end(), delayMs));
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  udp.bind(listenPort, listenHost);
  await once(udp, 'listening');
  tcp.listen(listenPort, listenHost);
  await once(tcp, 'listening');
  return {
    setDelay(next) {
      delayMs = next;
    },
    close() {
      for (const { socket, idle } of flows.values()) {
        clearTimeout(idle);
        socket.close();
      }
      udp.close();
      tcp.close();
    },
  };
}

/** Entry point of the child process: options as JSON in the last argument, runs until SIGTERM. */
export async function runDelayProxyMain(): Promise<void> {
  const options = JSON.parse(process.argv.at(-1) ?? '{}') as DelayProxyOptions;
  const proxy = await serveDelayProxy(options);
  // Delay changes arrive on stdin, one number of milliseconds per line.
  let pending = '';
  process.stdin.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      proxy.setDelay(Number(line));
      process.stdout.write(`${DELAY_SET_LINE} ${Number(line)}\n`);
    }
  });
  process.stdout.write(`${READY_LINE}\n`);
  process.once('SIGTERM', () => {
    proxy.close();
    process.exit(0);
  });
}

export interface DelayProxy {
  /** "IP:PORT" to point the agent at. */
  readonly server: string;
  /** Changes the delay of every query from now on; resolves once the forwarder applies it. */
  setDelay(delayMs: number): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/** This file as plain JavaScript, plus a call to the child's entry point. */
async function childProgram(): Promise<string> {
  const { default: ts } = await import('typescript');
  const source = await readFile(fileURLToPath(import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return `${outputText}\nawait runDelayProxyMain();\n`;
}

/** Starts the forwarder inside `netns` and resolves once it listens. */
export async function startDelayProxy(netns: Netns, options: DelayProxyOptions): Promise<DelayProxy> {
  const program = await childProgram();
  const child = netns.spawn(
    process.execPath,
    ['--input-type=module', '--eval', program, JSON.stringify(options)],
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
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    running.delete(child);
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`delay proxy did not start within ${START_TIMEOUT_MS}ms: ${output}`)),
        START_TIMEOUT_MS,
      );
      child.stdout?.on('data', () => {
        if (output.includes(READY_LINE)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`delay proxy exited ${code}: ${output}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const host = options.listenHost.includes(':') ? `[${options.listenHost}]` : options.listenHost;
  let changes = 0;
  const setDelay = async (delayMs: number) => {
    changes += 1;
    const applied = changes;
    child.stdin?.write(`${delayMs}\n`);
    // Imported here, not at the top: the forwarder half (this file run as the child) has only node: built-ins.
    const { waitFor } = await import('./wait-for.js');
    await waitFor(
      `the delay proxy to apply a delay of ${delayMs} ms`,
      () => {
        if (child.exitCode !== null) throw new Error(`delay proxy exited ${child.exitCode}: ${output}`);
        const acks = output.split('\n').filter((line) => line.startsWith(DELAY_SET_LINE));
        return acks.length >= applied ? true : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 10 },
    );
  };
  return { server: `${host}:${options.listenPort}`, setDelay, stop };
}
