import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

/** containerd 1.6 serves its socket within a second here; this bounds a broken start. */
const START_TIMEOUT_MS = 30_000;
/** SIGTERM makes containerd close and unlink its sockets; SIGKILL after this in case it hangs. */
const STOP_GRACE_MS = 10_000;
/** Of containerd's log, quoted when it fails to start. */
const LOG_TAIL_CHARS = 4_000;

/**
 * Snapshotters that cannot work in this sandbox (no aufs or zfs module, no btrfs or devmapper pool).
 * containerd skips them with a warning anyway; disabling them keeps its log about what matters. The
 * CRI plugin itself needs only overlayfs, which it checks lazily, when the first image is pulled.
 */
const DISABLED_PLUGINS = [
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.snapshotter.v1.devmapper',
];

/** A real containerd the test started, everything of it under one temp directory. */
export interface Containerd {
  readonly dir: string;
  /** Its CRI (and containerd API) gRPC socket. */
  readonly socket: string;
  /** Its CNI config directory, empty: the CRI plugin reports NetworkReady=false. */
  readonly cniConfDir: string;
  readonly log: () => string;
  /** Stops it and waits for the exit: SIGTERM is a clean stop (socket unlinked), SIGKILL a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same root, state and socket, as a restarted service would. */
  restart(): Promise<void>;
  /** Kills it if running, unmounts anything under dir, removes dir. */
  destroy(): Promise<void>;
}

const live = new Map<string, () => ChildProcess | undefined>();

/** Mount points at or under dir, deepest first (so nested mounts come off before their parents). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

function removeSync(dir: string, child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const point of mountsUnder(dir)) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
    } catch {
      // gone meanwhile
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

// Fallback for a test that crashes before its afterEach: no containerd, mount or directory outlives us.
process.once('exit', () => {
  for (const [dir, child] of live) removeSync(dir, child());
});

function configToml(dir: string, socket: string, cniConfDir: string): string {
  const quote = (value: string) => JSON.stringify(value);
  return [
    'version = 2',
    `root = ${quote(join(dir, 'root'))}`,
    `state = ${quote(join(dir, 'state'))}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(quote).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${quote(socket)}`,
    '',
    '[ttrpc]',
    `  address = ${quote(`${socket}.ttrpc`)}`,
    '',
    // Its default, /opt/containerd, is outside the temp dir.
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${quote(join(dir, 'opt'))}`,
    '',
    // The streaming server (exec/attach) on loopback with a random port: never another address.
    '[plugins."io.containerd.grpc.v1.cri"]',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '',
    '[plugins."io.containerd.grpc.v1.cri".cni]',
    `  conf_dir = ${quote(cniConfDir)}`,
    `  bin_dir = ${quote(join(dir, 'cni-bin'))}`,
    '',
  ].join('\n');
}

/**
 * containerd (the Debian package, 1.6) with a config of its own: root, state, sockets, plugin dir and
 * an EMPTY CNI conf_dir under a temp directory, so it shares nothing with a containerd of the host.
 * Resolves once its socket is served.
 */
export async function startContainerd(): Promise<Containerd> {
  const dir = mkdtempSync(join(tmpdir(), 'nodedoc-containerd-'));
  const socket = join(dir, 'containerd.sock');
  const cniConfDir = join(dir, 'cni-conf');
  const logPath = join(dir, 'containerd.log');
  const configPath = join(dir, 'config.toml');
  for (const sub of ['root', 'state', 'opt', 'cni-bin', 'cni-conf']) mkdirSync(join(dir, sub));
  writeFileSync(configPath, configToml(dir, socket, cniConfDir));

  let child: ChildProcess | undefined;
  live.set(dir, () => child);
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  const launch = async () => {
    // Only this start's part of the log counts: a restart appends to the same file.
    const logStart = log().length;
    const out = openSync(logPath, 'a');
    try {
      child = spawn('containerd', ['--config', configPath], { stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const started = child;
    await waitFor(
      `containerd to serve ${socket}`,
      () => {
        if (started.exitCode !== null) throw new Error(`containerd exited ${started.exitCode}`);
        const served = log().slice(logStart).includes(`msg=serving... address=${socket}\n`);
        return served && existsSync(socket) ? true : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS },
      () => log().slice(-LOG_TAIL_CHARS),
    );
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await launch();
  } catch (error) {
    removeSync(dir, child);
    live.delete(dir);
    throw error;
  }
  return {
    dir,
    socket,
    cniConfDir,
    log,
    stop,
    restart: launch,
    async destroy() {
      await stop('SIGKILL');
      removeSync(dir, child);
      live.delete(dir);
    },
  };
}
