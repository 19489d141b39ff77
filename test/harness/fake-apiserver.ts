/**
 * A local stand-in for the Kubernetes API server on 127.0.0.1, speaking the real protocol for what the
 * collector uses (objects from test/fixtures/kubernetes/, recorded in the API's JSON shapes):
 * - GET /api/v1/nodes: a NodeList with metadata.resourceVersion, paged with limit/continue;
 * - GET /api/v1/nodes?watch=true&resourceVersion=N: chunked newline-delimited watch events after N
 *   (ADDED/MODIFIED/DELETED, BOOKMARK when asked, ERROR with a 410 Status for a compacted version),
 *   ended by the server after timeoutSeconds;
 * - POST/PATCH(merge)/GET /api/v1/namespaces/{ns}/events[/{name}]: Events stored and read back.
 * One resourceVersion counter for everything, like etcd's revision. HTTPS with a certificate made by openssl
 * (the kubeconfig carries it as certificate-authority-data) and bearer-token auth, as a real kubeconfig has.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { selfSignedCertificate } from './certificates.js';

const FIXTURES = new URL('../fixtures/kubernetes/', import.meta.url);
/** The token the generated kubeconfig carries; any other Authorization is 401, as on a real server. */
export const FAKE_TOKEN = 'nodedoc-test-token';

export type JsonObject = Record<string, unknown>;

function fixture(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as JsonObject;
}

/** The recorded conditions by name: ready, pleg, runtime-network, status-unknown. */
export type ReadyState = 'ready' | 'pleg' | 'runtime-network' | 'status-unknown';

/** node-ready.json renamed (and re-uid'd) with its Ready condition replaced by a recorded one. */
export function nodeObject(name: string, state: ReadyState = 'ready'): JsonObject {
  const node = fixture('node-ready.json') as {
    metadata: JsonObject & { labels: JsonObject };
    status: { conditions: JsonObject[] };
  };
  const conditions = fixture('ready-conditions.json') as Record<ReadyState, JsonObject>;
  node.metadata.name = name;
  node.metadata.uid = `uid-${name}`;
  node.metadata.labels['kubernetes.io/hostname'] = name;
  node.status.conditions = node.status.conditions.map((condition) =>
    condition.type === 'Ready' ? conditions[state] : condition,
  );
  return node as unknown as JsonObject;
}

interface Change {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: JsonObject;
}

interface Watcher {
  readonly response: ServerResponse;
  readonly bookmarks: boolean;
}

export interface FakeApiServer {
  readonly port: number;
  /** https://127.0.0.1:PORT */
  readonly origin: string;
  /** The server's self-signed certificate (PEM): the CA a client must trust. */
  readonly caPem: string;
  /** A kubeconfig file (current context → this server, bearer token) in a temporary directory. */
  readonly kubeconfigPath: string;
  /** "METHOD path?query" of every request, in order. */
  readonly requests: readonly string[];
  /** Open watch connections now. */
  readonly watchCount: number;
  /** Creates or replaces a Node (ADDED or MODIFIED to watchers); returns its new resourceVersion. */
  putNode(node: JsonObject): number;
  deleteNode(name: string): void;
  /** Sends a BOOKMARK at the current resourceVersion to watches that allow them. */
  bookmark(): void;
  /** Forgets history up to now (etcd compaction): a watch from an older version gets ERROR 410. */
  compact(): void;
  /** Cuts every open watch connection (as an API server restart or a load balancer would). */
  dropWatches(): void;
  /** Ends every open watch cleanly, as the server does when a watch's timeoutSeconds is up. */
  endWatches(): void;
  /** Another resource changed: the revision moves on and Node watches hear nothing of it. */
  advance(): void;
  /** Answers Event writes with this status (a Status body) instead of storing them, or never ('hang'); undefined: normal. */
  failEvents(status: number | 'hang' | undefined): void;
  /** Watches get their headers and then nothing, and are never ended: a connection gone half-open. */
  hangWatches(hang: boolean): void;
  /** Forgets an Event, as the API server does after --event-ttl (1 h by default). */
  expireEvent(name: string, namespace?: string): void;
  /** Stored Events of a namespace, in creation order. */
  events(namespace?: string): JsonObject[];
  /** Resolves once `count` watches are open. */
  waitForWatches(count: number): Promise<void>;
  /** Stops listening and drops every connection; `resume` listens again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string): JsonObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function send(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: JsonObject =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as JsonObject) }
      : {};
  for (const [key, value] of Object.entries(patch as JsonObject)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  let revision = 1;
  /** Oldest resourceVersion a watch may start from (older: 410). */
  let compactedBelow = 0;
  const nodes = new Map<string, JsonObject>();
  const history: Change[] = [];
  const watchers = new Set<Watcher>();
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Duplex>();
  const events = new Map<string, JsonObject>();
  const requests: string[] = [];
  let eventFailure: number | 'hang' | undefined;
  let watchesHang = false;
  const watchWaiters: Array<{ count: number; resolve: () => void }> = [];

  const checkWaiters = () => {
    for (const waiter of [...watchWaiters]) {
      if (watchers.size >= waiter.count) {
        watchWaiters.splice(watchWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const writeEvent = (watcher: Watcher, type: string, object: JsonObject) => {
    watcher.response.write(`${JSON.stringify({ type, object })}\n`);
  };

  const record = (type: Change['type'], object: JsonObject) => {
    const change: Change = { rv: revision, type, object };
    history.push(change);
    for (const watcher of watchers) writeEvent(watcher, type, object);
  };

  const withVersion = (object: JsonObject, rv: number): JsonObject => ({
    ...object,
    metadata: { ...(object.metadata as JsonObject), resourceVersion: String(rv) },
  });

  const listNodes = (url: URL, response: ServerResponse) => {
    const all = [...nodes.values()].sort((a, b) =>
      String((a.metadata as JsonObject).name).localeCompare(String((b.metadata as JsonObject).name)),
    );
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const offset = Number(Buffer.from(url.searchParams.get('continue') ?? '', 'base64').toString() || '0');
    const end = limit > 0 ? offset + limit : all.length;
    // Items of a list carry no kind/apiVersion, as the API server serves them.
    const items = all.slice(offset, end).map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest);
    const metadata: JsonObject = { resourceVersion: String(revision) };
    if (end < all.length) {
      metadata.continue = Buffer.from(String(end)).toString('base64');
      metadata.remainingItemCount = all.length - end;
    }
    send(response, 200, { kind: 'NodeList', apiVersion: 'v1', metadata, items });
  };

  const watchNodes = (url: URL, request: IncomingMessage, response: ServerResponse) => {
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // The API server sends the headers at once; events follow whenever they happen.
    response.flushHeaders();
    const watcher: Watcher = { response, bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' };
    if (watchesHang) {
      hung.add(response);
      return;
    }
    if (from > 0 && from < compactedBelow) {
      const expired = fixture('watch-error-expired.json') as { object: JsonObject };
      expired.object.message = `too old resource version: ${from} (${compactedBelow})`;
      response.end(`${JSON.stringify(expired)}\n`);
      return;
    }
    if (from === 0) {
      for (const node of nodes.values()) writeEvent(watcher, 'ADDED', node);
    } else {
      for (const change of history) if (change.rv > from) writeEvent(watcher, change.type, change.object);
    }
    watchers.add(watcher);
    checkWaiters();
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    const timer =
      timeoutSeconds > 0 ? setTimeout(() => response.end(), timeoutSeconds * 1_000).unref() : undefined;
    const forget = () => {
      clearTimeout(timer);
      watchers.delete(watcher);
    };
    response.on('close', forget);
    request.on('close', forget);
  };

  const eventRoute = async (
    method: string,
    namespace: string,
    name: string | undefined,
    request: IncomingMessage,
    response: ServerResponse,
  ) => {
    if (method === 'GET' && name === undefined) {
      const items = [...events.values()].filter(
        (event) => (event.metadata as JsonObject).namespace === namespace,
      );
      return send(response, 200, {
        kind: 'EventList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(revision) },
        items,
      });
    }
    const key = `${namespace}/${name ?? ''}`;
    if (method === 'GET') {
      const event = events.get(key);
      return event
        ? send(response, 200, event)
        : send(response, 404, status(404, 'NotFound', `events "${name}" not found`));
    }
    const text = await readBody(request);
    if (eventFailure === 'hang') return;
    if (eventFailure !== undefined) {
      return send(response, eventFailure, status(eventFailure, 'InternalError', 'injected failure'));
    }
    if (method === 'POST' && name === undefined) {
      const body = JSON.parse(text) as JsonObject;
      const metadata = (body.metadata ?? {}) as JsonObject;
      const eventName = String(metadata.name ?? '');
      const involved = body.involvedObject as JsonObject | undefined;
      if (eventName === '' || !involved?.kind || !involved.name) {
        return send(response, 422, status(422, 'Invalid', 'Event is invalid: metadata.name, involvedObject'));
      }
      if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
        return send(response, 400, status(400, 'BadRequest', 'the namespace of the object does not match'));
      }
      if (events.has(`${namespace}/${eventName}`)) {
        return send(response, 409, status(409, 'AlreadyExists', `events "${eventName}" already exists`));
      }
      revision += 1;
      const stored: JsonObject = {
        ...body,
        kind: 'Event',
        apiVersion: 'v1',
        metadata: {
          ...metadata,
          namespace,
          uid: `event-uid-${revision}`,
          resourceVersion: String(revision),
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      };
      events.set(`${namespace}/${eventName}`, stored);
      return send(response, 201, stored);
    }
    if (method === 'PATCH' && name !== undefined) {
      if (request.headers['content-type'] !== 'application/merge-patch+json') {
        return send(
          response,
          415,
          status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format'),
        );
      }
      const event = events.get(key);
      if (!event) return send(response, 404, status(404, 'NotFound', `events "${name}" not found`));
      revision += 1;
      const patched = mergePatch(event, JSON.parse(text)) as JsonObject;
      events.set(key, withVersion(patched, revision));
      return send(response, 200, events.get(key));
    }
    return send(response, 405, status(405, 'MethodNotAllowed', 'the server does not allow this method'));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    if (request.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return send(response, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (url.pathname === '/api/v1/nodes' && method === 'GET') {
      const watch = url.searchParams.get('watch');
      return watch === 'true' || watch === '1'
        ? watchNodes(url, request, response)
        : listNodes(url, response);
    }
    const eventPath = /^\/api\/v1\/namespaces\/([^/]+)\/events(?:\/([^/]+))?$/.exec(url.pathname);
    if (eventPath?.[1]) return eventRoute(method, eventPath[1], eventPath[2], request, response);
    return send(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  };

  const certificate = await selfSignedCertificate({
    days: 1,
    subject: '/CN=kube-apiserver',
    subjectAltName: 'IP:127.0.0.1',
  });
  const makeServer = (): Server => {
    const server = createServer(
      { key: certificate.keyPem, cert: certificate.certPem },
      (request, response) => {
        handle(request, response).catch((error: unknown) =>
          send(response, 500, status(500, 'InternalError', String(error))),
        );
      },
    );
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return server;
  };

  let server = makeServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const origin = `https://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'nodedoc-fake-apiserver-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${origin}`,
      `    certificate-authority-data: ${Buffer.from(certificate.certPem).toString('base64')}`,
      'contexts:',
      '- name: fake',
      '  context:',
      '    cluster: fake',
      '    user: tester',
      'current-context: fake',
      'users:',
      '- name: tester',
      '  user:',
      `    token: ${FAKE_TOKEN}`,
      '',
    ].join('\n'),
  );

  const dropAll = () => {
    for (const watcher of watchers) watcher.response.socket?.destroy();
    watchers.clear();
    for (const response of hung) response.socket?.destroy();
    hung.clear();
  };
  const stopListening = async () => {
    dropAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    port,
    origin,
    caPem: certificate.certPem,
    kubeconfigPath,
    requests,
    get watchCount() {
      return watchers.size;
    },
    putNode(node) {
      const name = String((node.metadata as JsonObject).name);
      const type = nodes.has(name) ? 'MODIFIED' : 'ADDED';
      revision += 1;
      const stored = withVersion(node, revision);
      nodes.set(name, stored);
      record(type, stored);
      return revision;
    },
    deleteNode(name) {
      const node = nodes.get(name);
      if (!node) return;
      nodes.delete(name);
      revision += 1;
      record('DELETED', withVersion(node, revision));
    },
    bookmark() {
      for (const watcher of watchers) {
        if (watcher.bookmarks) {
          writeEvent(watcher, 'BOOKMARK', {
            kind: 'Node',
            apiVersion: 'v1',
            metadata: { resourceVersion: String(revision) },
          });
        }
      }
    },
    compact() {
      compactedBelow = revision;
      history.length = 0;
    },
    dropWatches: dropAll,
    endWatches() {
      for (const watcher of watchers) watcher.response.end();
      watchers.clear();
    },
    advance() {
      revision += 1;
    },
    failEvents(code) {
      eventFailure = code;
    },
    hangWatches(hang) {
      watchesHang = hang;
    },
    expireEvent(name, namespace = 'default') {
      events.delete(`${namespace}/${name}`);
    },
    events(namespace = 'default') {
      return [...events.values()].filter((event) => (event.metadata as JsonObject).namespace === namespace);
    },
    waitForWatches(count) {
      return new Promise((resolve) => {
        watchWaiters.push({ count, resolve });
        checkWaiters();
      });
    },
    pause: stopListening,
    async resume() {
      server = makeServer();
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      await stopListening();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
