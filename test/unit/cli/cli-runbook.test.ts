import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../cli/api-client.js';
import { runbookCommand } from '../../../cli/commands/runbook.js';
import { Style } from '../../../cli/render/style.js';
import { terminalMarkdown } from '../../../cli/render/terminal-markdown.js';
import { CAUSE_IDS } from '../../../common/ids.js';
import { requires } from '../../harness/system-requirements.js';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);
const fileText = (id: string) =>
  readFileSync(new URL(`../../../collector/runbooks/${id}.md`, import.meta.url), 'utf8');
const BOLD = (text: string) => `\u001b[1m${text}\u001b[0m`;

/** A loopback port nothing listens on: the runbook must not need a collector. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** The built binary with its stdout on a pipe, the collector pointed at a closed port. */
async function nodedoc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const port = await closedPort();
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, NODEDOC_COLLECTOR: `http://127.0.0.1:${port}`, NO_COLOR: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('nodedoc runbook CAUSE (built binary)', () => {
  it('prints the bundled runbook as plain markdown with the collector down, exit 0', async () => {
    const { code, stdout, stderr } = await nodedoc('runbook', 'conntrack-exhaustion');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(fileText('conntrack-exhaustion'));
  });

  it('prints {id, title, markdown} with -o json', async () => {
    const { code, stdout } = await nodedoc('-o', 'json', 'runbook', 'oom-kill');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      id: 'oom-kill',
      title: 'Processes killed for lack of memory',
      markdown: fileText('oom-kill'),
    });
  });

  it.each([
    ['frobnicate', "nodedoc: unknown cause 'frobnicate'; `nodedoc causes` lists every cause id\n"],
    [
      'dns',
      "nodedoc: unknown cause 'dns'; did you mean dns-failure or dns-latency? `nodedoc causes` lists every cause id\n",
    ],
    ['../package', "nodedoc: unknown cause '../package'; `nodedoc causes` lists every cause id\n"],
  ])('an unknown cause %j is one line on stderr and exit 1', async (cause, message) => {
    const { code, stdout, stderr } = await nodedoc('runbook', cause);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(message);
  });

  it.each([
    [['runbook'], 'runbook needs CAUSE'],
    [['runbook', 'oom-kill', 'dns-failure'], 'runbook needs CAUSE and nothing more'],
  ])('usage error %j exits 2 with "%s" and the usage', async (args, message) => {
    const { code, stdout, stderr } = await nodedoc(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(`nodedoc: ${message}`);
    expect(stderr).toContain('nodedoc [flags] runbook CAUSE');
  });

  it.skipIf(requires({ commands: ['script'] }))(
    'on a terminal prints headings in bold, shell comments in code blocks untouched',
    async () => {
      // util-linux script(1) gives the CLI a real pseudo-terminal for stdout.
      const { stdout } = await run(
        'script',
        ['-qec', `${process.execPath} ${CLI} runbook kubelet-down`, '/dev/null'],
        {
          env: { ...process.env, NO_COLOR: '' },
        },
      );
      const lines = stdout.replaceAll('\r\n', '\n');
      expect(lines).toContain(`${BOLD('Kubelet not answering its health check')}\n`);
      expect(lines).toContain(`\n${BOLD('Diagnosis')}\n`);
      expect(lines).not.toContain('## Diagnosis');
      expect(lines).toContain('nodedoc why <node>                       # the root cause');
    },
  );
});

describe('runbookCommand', () => {
  it.each(CAUSE_IDS)('prints the runbook of %s', async (id) => {
    const context = {
      api: new ApiClient(new URL('http://127.0.0.1:9'), 1_000),
      format: 'json' as const,
      style: new Style(false),
      nowMs: 0,
      args: [id],
      since: undefined,
    };
    expect(JSON.parse(await runbookCommand.run(context))).toEqual(
      expect.objectContaining({ id, markdown: fileText(id) }),
    );
    expect(await runbookCommand.run({ ...context, format: 'table' })).toBe(fileText(id));
  });
});

describe('terminalMarkdown', () => {
  const text = '# Title\n\n## Meaning\n\n```sh\n# comment\n## also a comment\n```\n\n### Sub\n';

  it('bolds headings outside code blocks when styling is on', () => {
    expect(terminalMarkdown(text, new Style(true))).toBe(
      `${BOLD('Title')}\n\n${BOLD('Meaning')}\n\n\`\`\`sh\n# comment\n## also a comment\n\`\`\`\n\n${BOLD('Sub')}\n`,
    );
  });

  it('leaves the markdown unchanged when styling is off', () => {
    expect(terminalMarkdown(text, new Style(false))).toBe(text);
  });
});
