import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** A loopback port that was just free: nothing listens on it. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

/** The built `nodedoc` binary, as a person runs it; never with colour (stdout is a pipe). */
async function nodedoc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, NODEDOC_COLLECTOR: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('nodedoc (built binary)', () => {
  it('--help lists every command and exits 0', async () => {
    const { code, stdout } = await nodedoc('--help');
    expect(code).toBe(0);
    for (const command of ['nodes', 'why NODE', 'timeline NODE', 'causes'])
      expect(stdout).toContain(`nodedoc [flags] ${command}`);
  });

  it.each([
    [[], 'no command given'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['why'], 'why needs NODE'],
    [['why', 'a', 'b'], 'why needs NODE and nothing more'],
    [['nodes', 'extra'], 'nodes takes no argument'],
    [['-o', 'yaml', 'nodes'], '-o yaml: expected one of table, json'],
    [
      ['--collector', 'ftp://x', 'nodes'],
      '--collector ftp://x: expected an http:// or https:// URL, e.g. http://localhost:8080',
    ],
    [['--bogus'], 'unknown flag --bogus'],
  ])('usage error %j exits 2 with "%s" and the usage', async (args, message) => {
    const { code, stderr, stdout } = await nodedoc(...args);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`nodedoc: ${message}`);
    expect(stderr).toContain('Usage:');
    expect(stdout).toBe('');
  });

  it('an unreachable collector is one line on stderr and exit 1, no stack trace', async () => {
    const port = await closedPort();
    const { code, stderr } = await nodedoc('--collector', `http://127.0.0.1:${port}`, 'nodes');
    expect(code).toBe(1);
    expect(stderr).toBe(`nodedoc: cannot reach the collector at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
