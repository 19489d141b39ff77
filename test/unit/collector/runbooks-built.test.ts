import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorProcess } from '../../harness/collector-process.js';

/**
 * The built programs (dist/) find the same runbook files the sources do: the collector process serves them and the
 * CLI prints them, byte for byte the files in collector/runbooks.
 */
const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);
const fileText = (id: string) =>
  readFileSync(new URL(`../../../collector/runbooks/${id}.md`, import.meta.url), 'utf8');

let collector: CollectorProcess;
beforeAll(async () => {
  collector = await CollectorProcess.start();
});
afterAll(() => collector.dispose());

describe('runbooks from the built collector and CLI', () => {
  it('the collector process serves the files, and the index links each one', async () => {
    const markdown = await fetch(`${collector.httpBase}/runbooks/kernel-hang?format=markdown`);
    expect(markdown.status).toBe(200);
    expect(await markdown.text()).toBe(fileText('kernel-hang'));
    const index = await (await fetch(`${collector.httpBase}/runbooks`)).text();
    expect(index).toContain(
      '<a href="runbooks/kernel-hang"><code>kernel-hang</code></a> — Kernel hung tasks',
    );
  });

  it('the CLI prints the same text the collector serves', async () => {
    const served = await (
      await fetch(`${collector.httpBase}/runbooks/readonly-filesystem?format=markdown`)
    ).text();
    const { stdout } = await run(process.execPath, [
      CLI,
      '--collector',
      collector.httpBase,
      'runbook',
      'readonly-filesystem',
    ]);
    expect(stdout).toBe(served);
  });
});
