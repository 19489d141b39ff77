import { shebangNodeFlags } from '../../common/shebang-flags.js';

/** Quotes one word for sh. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The [file, argv] that runs `script` (which sets up mounts) in a private mount namespace and ends by exec'ing
 * the built program `bin` under setpriv with `setprivArgs`, with the Node flags of its shebang. `--flag=VALUE`
 * args naming one of `mountPaths` are rewritten to the same path under `sandboxDir`, where the script mounted it.
 */
export function sandboxCommand(options: {
  readonly script: readonly string[];
  readonly setprivArgs: readonly string[];
  readonly bin: string;
  readonly mountPaths: readonly string[];
  readonly sandboxDir: string;
  readonly args: readonly string[];
}): [string, string[]] {
  const { bin, mountPaths, sandboxDir } = options;
  const exec = [
    'exec setpriv',
    ...options.setprivArgs,
    '--',
    shellQuote(process.execPath),
    ...shebangNodeFlags(bin).map(shellQuote),
    shellQuote(bin),
    '"$@"',
  ].join(' ');
  const rewritten = options.args.map((arg) => {
    const match = /^(--[\w-]+)=(.*)$/.exec(arg);
    return match?.[2] !== undefined && mountPaths.includes(match[2])
      ? `${match[1]}=${sandboxDir}${match[2]}`
      : arg;
  });
  return [
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      [...options.script, exec].join('\n'),
      'sh',
      ...rewritten,
    ],
  ];
}
