import { describe, expect, it } from 'vitest';
import type { FlagSpec } from '../../../common/cli/flag-spec.js';
import { envName } from '../../../common/cli/flag-spec.js';
import { parseFlags } from '../../../common/cli/parse-flags.js';
import { UsageError } from '../../../common/cli/usage-error.js';

const SPECS: readonly FlagSpec[] = [
  { name: 'help', type: 'boolean', env: false, description: 'help' },
  { name: 'once', type: 'boolean', description: 'once' },
  { name: 'interval', type: 'string', description: 'interval' },
  { name: 'dns-server', type: 'string', repeatable: true, description: 'servers' },
];

/** Runs the parser and returns the UsageError it throws (failing the test if it does not). */
function usageError(argv: readonly string[], env: NodeJS.ProcessEnv = {}): UsageError {
  try {
    parseFlags(SPECS, argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('envName', () => {
  it('is NODEDOC_ plus the flag in upper snake case, and none for env: false', () => {
    expect(envName({ name: 'dns-server', type: 'string', description: '' })).toBe('NODEDOC_DNS_SERVER');
    expect(envName({ name: 'help', type: 'boolean', env: false, description: '' })).toBeUndefined();
  });
});

describe('parseFlags', () => {
  it('reads string, boolean and repeatable flags from the command line', () => {
    const flags = parseFlags(
      SPECS,
      ['--once', '--interval', '5s', '--dns-server', '10.0.0.1', '--dns-server=10.0.0.2'],
      {},
    );
    expect(flags.boolean('once')).toBe(true);
    expect(flags.string('interval')).toBe('5s');
    expect(flags.list('dns-server')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(flags.given('interval')).toBe(true);
  });

  it('reports nothing given when neither command line nor environment set a flag', () => {
    const flags = parseFlags(SPECS, [], {});
    expect(flags.boolean('once')).toBe(false);
    expect(flags.string('interval')).toBeUndefined();
    expect(flags.list('dns-server')).toEqual([]);
    expect(flags.given('interval')).toBe(false);
    expect(flags.given('once')).toBe(false);
  });

  it('falls back to NODEDOC_* environment variables, and counts them as given', () => {
    const flags = parseFlags(SPECS, [], { NODEDOC_INTERVAL: '30s' });
    expect(flags.string('interval')).toBe('30s');
    expect(flags.given('interval')).toBe(true);
  });

  it('lets the command line beat the environment', () => {
    const env = { NODEDOC_INTERVAL: '30s', NODEDOC_DNS_SERVER: '10.0.0.9', NODEDOC_ONCE: 'false' };
    const flags = parseFlags(SPECS, ['--interval', '1s', '--dns-server', '10.0.0.1', '--once'], env);
    expect(flags.string('interval')).toBe('1s');
    expect(flags.list('dns-server')).toEqual(['10.0.0.1']);
    expect(flags.boolean('once')).toBe(true);
  });

  it('splits a repeatable flag from a comma-separated variable, trimming and dropping empties', () => {
    const flags = parseFlags(SPECS, [], { NODEDOC_DNS_SERVER: ' 10.0.0.1, 10.0.0.2,,10.0.0.3 ' });
    expect(flags.list('dns-server')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    [' on ', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['off', false],
    ['', false],
  ])('reads boolean NODEDOC_ONCE=%j as %s', (value, expected) => {
    const flags = parseFlags(SPECS, [], { NODEDOC_ONCE: value });
    expect(flags.boolean('once')).toBe(expected);
    expect(flags.given('once')).toBe(true);
  });

  it('rejects a boolean variable that is neither true nor false, naming the variable', () => {
    expect(usageError([], { NODEDOC_ONCE: 'maybe' }).message).toBe(
      'NODEDOC_ONCE=maybe: expected true or false',
    );
  });

  it('ignores the environment for flags declared env: false', () => {
    expect(parseFlags(SPECS, [], { NODEDOC_HELP: '1' }).boolean('help')).toBe(false);
  });

  it.each([
    [['--bogus'], 'unknown flag --bogus'],
    [['-x'], 'unknown flag -x'],
    [['--interval'], 'flag --interval needs a value'],
    [['stray'], "unexpected argument 'stray'"],
    [['--once=yes'], 'flag --once takes no value'],
    [
      ['--interval', '-1s'],
      'flag --interval needs a value (write --interval=-VALUE for one starting with "-")',
    ],
    [
      ['--interval', '--once'],
      'flag --interval needs a value (write --interval=-VALUE for one starting with "-")',
    ],
  ])('turns %j into a one-line UsageError: %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it('accepts positionals only when asked to', () => {
    expect(parseFlags(SPECS, ['why', 'node-1'], {}, { positionals: true }).positionals).toEqual([
      'why',
      'node-1',
    ]);
  });

  it('treats asking for an undeclared flag as a programming error, not a usage error', () => {
    const flags = parseFlags(SPECS, [], {});
    expect(() => flags.string('nope')).toThrow('flag --nope is not declared');
    expect(() => flags.string('nope')).not.toThrow(UsageError);
  });
});
