import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_FLAGS } from '../../../agent/config/agent-flags.js';
import { envName } from '../../../common/cli/flag-spec.js';
import { runAgent } from '../../harness/agent-process.js';

/**
 * The built binary as users run it (npm test builds dist/ first): exit codes and what lands on
 * stdout and stderr. These paths return before any sampling, so they are fast and touch no host state.
 */
const PACKAGE = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const HINT = "Try 'nodedoc-agent --help'.";
/** A stack frame line as Node prints it. */
const STACK_FRAME = /^\s+at /m;

describe('nodedoc-agent --help', () => {
  it('exits 0 and lists every flag with its environment variable on stdout', async () => {
    const result = await runAgent(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage:\n {2}nodedoc-agent --once/);
    for (const spec of AGENT_FLAGS) {
      expect(result.stdout, spec.name).toMatch(new RegExp(`^ {2}--${spec.name}(?: |$)`, 'm'));
      const env = envName(spec);
      if (env) expect(result.stdout, spec.name).toContain(`env ${env}`);
    }
  });
});

describe('nodedoc-agent --version', () => {
  it('exits 0 and prints the package version', async () => {
    const result = await runAgent(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`nodedoc-agent ${PACKAGE.version}\n`);
    expect(result.stderr).toBe('');
  });
});

describe('nodedoc-agent with bad input', () => {
  it.each([
    [['--bogus'], {}, 'unknown flag --bogus'],
    [['stray'], {}, "unexpected argument 'stray'"],
    [['--interval'], {}, 'flag --interval needs a value'],
    [['--interval', '5x'], {}, '--interval 5x: expected a duration like 500ms, 10s or 5m (at least 100ms)'],
    [['--json'], {}, '--json only applies to --once (continuous mode logs JSON already)'],
    [
      ['--once', '--disk-path', '/x=scratch'],
      {},
      '--disk-path /x=scratch: role must be one of nodefs, imagefs, rootfs',
    ],
    [
      ['--once', '--dns-server', '999.1.1.1'],
      {},
      '--dns-server 999.1.1.1: expected IP[:PORT], e.g. 10.96.0.10 or 127.0.0.1:5353',
    ],
    [['--once'], { NODEDOC_JSON: 'maybe' }, 'NODEDOC_JSON=maybe: expected true or false'],
    [
      ['--once'],
      { NODEDOC_THRESHOLD: 'kubelet-failures=0' },
      '--threshold kubelet-failures=0: expected a whole number of at least 1',
    ],
  ])('%j %j exits 2 with one line and the --help hint, no stack trace', async (argv, env, message) => {
    const result = await runAgent(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`nodedoc-agent: ${message}\n${HINT}\n`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('names every threshold key when one is unknown, still on one line', async () => {
    const result = await runAgent(['--once', '--threshold', 'nope=1']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^nodedoc-agent: --threshold nope=1: unknown key 'nope' \(known: .*memory-available-bytes.*\)$/,
    );
    expect(lines[1]).toBe(HINT);
  });
});
