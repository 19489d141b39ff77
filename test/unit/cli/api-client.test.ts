import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../cli/api-client.js';
import { CliError } from '../../../cli/cli-error.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<URL> {
  server = createServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('ApiClient', () => {
  it('returns the JSON document', async () => {
    const url = await serve((_request, response) => response.end('{"ok":1}'));
    expect(await new ApiClient(url, 1_000).get('/x')).toEqual({ ok: 1 });
  });

  it("turns the collector's error body into its message (unknown node)", async () => {
    const url = await serve((_request, response) =>
      response
        .writeHead(404)
        .end('{"error":{"code":"NODE_NOT_FOUND","message":"node ghost is not known to this collector"}}'),
    );
    const error = await failure(new ApiClient(url, 1_000).get('/api/v1/nodes/ghost'));
    expect(error.message).toBe('node ghost is not known to this collector');
    expect(error.exitCode).toBe(1);
  });

  it('names the address and the socket error when nothing listens', async () => {
    const url = await serve((_request, response) => response.end('{}'));
    server?.close();
    await once(server as Server, 'close');
    const error = await failure(new ApiClient(url, 1_000).get('/api/v1/nodes'));
    expect(error.message).toBe(`cannot reach the collector at ${url.origin}: ECONNREFUSED`);
  });

  it('gives up after the timeout with a line saying so', async () => {
    const url = await serve(() => undefined);
    const error = await failure(new ApiClient(url, 200).get('/api/v1/nodes'));
    expect(error.message).toBe(`cannot reach the collector at ${url.origin}: no answer within 200ms`);
  });

  it('says when the answer is not JSON (something else listens there)', async () => {
    const url = await serve((_request, response) => response.end('<html>'));
    const error = await failure(new ApiClient(url, 1_000).get('/api/v1/nodes'));
    expect(error.message).toMatch(/answered \/api\/v1\/nodes with HTTP 200 and no JSON/);
  });
});
