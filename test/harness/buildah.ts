import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unmountUnder } from './mounts.js';

/**
 * buildah (Debian's 1.28) with a store of its own: images, containers and layers under one temp directory,
 * so a test never sees or touches images this machine already has (a real node:20-bookworm-slim pulled by
 * someone) and its clean-up is removing that directory.
 */

/**
 * vfs works on any file system, including a /tmp that is itself overlayfs (a CI job in a container), where
 * overlay cannot mount. It copies the tree per layer, which costs disk, not time, for a build of few layers
 * (--layers=false): measured here, vfs built in 174 s with a peak of ~2 GB under the store, overlay in
 * 240-250 s on ext4 (under other load). NODEDOC_TEST_BUILDAH_DRIVER=overlay to try it.
 */
const STORAGE_DRIVER = process.env.NODEDOC_TEST_BUILDAH_DRIVER ?? 'vfs';
/**
 * chroot isolation runs RUN steps and `buildah run` without an OCI runtime or a CNI network: the
 * container shares the host's network, which is how the build stage reaches the npm registry and the
 * Debian mirror (nothing else), and needs no CNI plugins.
 */
const ISOLATION = 'chroot';
/** Of a failed command's output, quoted in the error. */
const OUTPUT_TAIL_CHARS = 6_000;

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The parts of `buildah inspect --type image` the tests read (OCI image config). */
export interface ImageInspect {
  readonly OCIv1: {
    readonly config: {
      readonly User?: string;
      readonly Env?: readonly string[];
      readonly Cmd?: readonly string[];
      readonly Entrypoint?: readonly string[];
      readonly WorkingDir?: string;
      readonly Labels?: Readonly<Record<string, string>>;
      readonly ExposedPorts?: Readonly<Record<string, unknown>>;
    };
  };
}

export interface BuildOptions {
  /** The build context (the repository root). */
  readonly context: string;
  readonly tag: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** `--secret id=ID,src=PATH` pairs. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** The build's output goes here (quoted on failure; kept for a look after a run). */
  readonly logPath: string;
}

export interface RunOptions {
  /** USER:GROUP to run as instead of the image's configured user. */
  readonly user?: string;
}

export interface BuildahStore {
  readonly dir: string;
  /** Any buildah subcommand against this store. */
  buildah(args: readonly string[]): Promise<CommandResult>;
  /** Commits a directory tree as a one-layer image named `image` with PATH and CMD set. */
  importRootfs(rootfs: string, image: string, cmd: readonly string[]): Promise<void>;
  /** `buildah bud --pull=never` of the context's Dockerfile; throws with the log's tail on failure. */
  build(options: BuildOptions): Promise<void>;
  inspectImage(image: string): Promise<ImageInspect>;
  /** A working container from the image; returns its name. */
  from(image: string): Promise<string>;
  /** `buildah run` a command in a working container; the result, whatever the exit code. */
  run(container: string, command: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Removes every container and image of the store, unmounts anything left and removes the directory. */
  destroy(): Promise<void>;
}

/** The PATH of the official node images. */
const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const live = new Set<string>();

function removeSync(dir: string): void {
  unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}

// Fallback for a run that dies before its afterAll: no store (and its ~2 GB of layers) outlives us.
process.once('exit', () => {
  for (const dir of live) removeSync(dir);
});

async function execute(file: string, args: readonly string[], logPath?: string): Promise<CommandResult> {
  const log = logPath === undefined ? undefined : openSync(logPath, 'a');
  try {
    const child = spawn(file, args, {
      stdio: ['ignore', log ?? 'pipe', log ?? 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout, stderr };
  } finally {
    if (log !== undefined) closeSync(log);
  }
}

function failure(what: string, result: CommandResult, output = `${result.stdout}${result.stderr}`): Error {
  return new Error(`${what} exited ${result.code}:\n${output.slice(-OUTPUT_TAIL_CHARS)}`);
}

/** A fresh, empty buildah store under a temp directory. */
export function createBuildahStore(): BuildahStore {
  const dir = mkdtempSync(join(tmpdir(), 'nodedoc-buildah-'));
  live.add(dir);
  const storeFlags = [
    '--root',
    join(dir, 'storage'),
    '--runroot',
    join(dir, 'run'),
    '--storage-driver',
    STORAGE_DRIVER,
  ];

  const buildah = (args: readonly string[], logPath?: string) =>
    execute('buildah', [...storeFlags, ...args], logPath);
  const checked = async (args: readonly string[]) => {
    const result = await buildah(args);
    if (result.code !== 0) throw failure(`buildah ${args.join(' ')}`, result);
    return result.stdout.trim();
  };

  return {
    dir,
    buildah: (args) => buildah(args),

    async importRootfs(rootfs, image, cmd) {
      const container = await checked(['from', 'scratch']);
      const mountPoint = await checked(['mount', container]);
      // cp -a keeps owners, modes and symlinks: the image's files are exactly the rootfs's.
      const copy = await execute('cp', ['-a', `${rootfs}/.`, `${mountPoint}/`]);
      await checked(['umount', container]);
      if (copy.code !== 0) throw failure(`cp -a ${rootfs} into the image`, copy);
      await checked(['config', '--env', `PATH=${IMAGE_PATH}`, '--cmd', JSON.stringify(cmd), container]);
      await checked(['commit', '--rm', '--quiet', container, image]);
    },

    async build({ context, tag, buildArgs = {}, secrets = {}, logPath }) {
      const args = [
        'bud',
        '--pull=never',
        '--isolation',
        ISOLATION,
        '--layers=false',
        ...Object.entries(buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
        ...Object.entries(secrets).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`]),
        '--tag',
        tag,
        context,
      ];
      const result = await buildah(args, logPath);
      if (result.code !== 0) {
        const output = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
        throw failure(`buildah bud (log: ${logPath})`, result, output);
      }
    },

    async inspectImage(image) {
      return JSON.parse(await checked(['inspect', '--type', 'image', image])) as ImageInspect;
    },

    from: (image) => checked(['from', '--pull=never', '--quiet', image]),

    run(container, command, { user } = {}) {
      return buildah([
        'run',
        '--isolation',
        ISOLATION,
        ...(user === undefined ? [] : ['--user', user]),
        container,
        '--',
        ...command,
      ]);
    },

    async destroy() {
      // Best effort: whatever these leave, removing the directory takes.
      await buildah(['rm', '--all']);
      await buildah(['rmi', '--all', '--force']);
      removeSync(dir);
      live.delete(dir);
    },
  };
}
