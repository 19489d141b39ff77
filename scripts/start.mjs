#!/usr/bin/env node
// `npm start`: a collector and an agent on this host, wired together, with their JSON logs in ./data/logs
// and the events worth reading (findings raised and cleared, the link going up or down) echoed here in
// plain words. Ctrl-C stops both. Ports and paths can be moved with the NODEDOC_START_* variables below.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { shebangNodeFlags } = await import(`${root}dist/common/shebang-flags.js`);

const dataDir = process.env.NODEDOC_START_DATA_DIR ?? `${root}data`;
const httpPort = process.env.NODEDOC_START_HTTP_PORT ?? '8080';
const grpcPort = process.env.NODEDOC_START_GRPC_PORT ?? '50051';
const agentPort = process.env.NODEDOC_START_AGENT_PORT ?? '9101';
const node = process.env.NODE_NAME ?? hostname().toLowerCase();

mkdirSync(`${dataDir}/logs`, { recursive: true });

/** Starts one program with the Node flags its shebang asks for; its log goes to a file and to `onLine`. */
function start(name, file, args, onLine) {
  const bin = `${root}dist/${file}`;
  const child = spawn(process.execPath, [...shebangNodeFlags(bin), bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(`${dataDir}/logs/${name}.log`, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.on('data', (chunk) => process.stderr.write(`[${name}] ${chunk}`));
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      onLine(JSON.parse(line));
    } catch {
      // not a log line
    }
  });
  return child;
}

const say = (text) => process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${text}\n`);
const collector = start(
  'collector',
  'collector/main.js',
  [
    '--grpc-listen',
    `127.0.0.1:${grpcPort}`,
    '--http-listen',
    `127.0.0.1:${httpPort}`,
    '--data-dir',
    `${dataDir}/collector`,
  ],
  (event) => {
    if (event.level === 'error' || event.level === 'fatal')
      say(`collector: ${event.msg}${event.err ? `: ${event.err.message}` : ''}`);
  },
);
const agent = start(
  'agent',
  'agent/main.js',
  [
    '--collector',
    `127.0.0.1:${grpcPort}`,
    '--spool-dir',
    `${dataDir}/agent`,
    '--metrics-listen',
    `127.0.0.1:${agentPort}`,
    '--node-name',
    node,
  ],
  (event) => {
    if (event.finding && event.msg === 'finding raised')
      say(`${event.finding.severity.toUpperCase()} ${event.finding.cause}: ${event.finding.summary}`);
    else if (event.finding && event.msg === 'finding cleared') say(`cleared ${event.finding.cause}`);
    else if (event.msg === 'collector link up' || event.msg === 'collector link down')
      say(`agent: ${event.msg}`);
    else if (event.level === 'error' || event.level === 'fatal')
      say(`agent: ${event.msg}${event.err ? `: ${event.err.message}` : ''}`);
  },
);

process.stdout.write(`nodedoc is running on this host as node "${node}".

  dashboard and API   http://localhost:${httpPort}/            (GET /api/v1/nodes, /api/v1/nodes/${node})
  why is it unwell?   ./dist/cli/main.js --collector http://localhost:${httpPort} why ${node}
  metrics             http://localhost:${httpPort}/metrics (collector), http://localhost:${agentPort}/metrics (agent)
  logs                ${dataDir}/logs/{collector,agent}.log

Findings appear below as the agent raises and clears them. Ctrl-C stops both.
`);

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  agent.kill(signal);
  collector.kill(signal);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const [name, child] of [
  ['collector', collector],
  ['agent', agent],
]) {
  child.on('exit', (code) => {
    if (!stopping) {
      say(`${name} exited with code ${code}; see ${dataDir}/logs/${name}.log. Stopping.`);
      stop('SIGTERM');
      process.exitCode = 1;
    }
  });
}
