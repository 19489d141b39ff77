import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { unmountUnder } from './mounts.js';

/**
 * A stand-in for the `node:20-bookworm-slim` image, made on this machine without a registry: a debootstrap
 * minbase Debian bookworm with this machine's Node copied in where the official image has it
 * (/usr/local/bin/node, /usr/local/lib/node_modules/npm, /usr/local/include/node). Made once per Node
 * version and architecture and kept under BASE_CACHE_DIR, so a rerun downloads nothing.
 */

/** Survives reboots and tmp cleaners, unlike /tmp: the rootfs costs a debootstrap (~35 s, ~60 MB fetched). */
export const BASE_CACHE_DIR = process.env.NODEDOC_TEST_BASE_CACHE ?? '/var/cache/nodedoc-test-base';
/** The Debian release the official node:20-bookworm-slim is built on. */
const SUITE = 'bookworm';
/** The keyring debootstrap checks the mirror with, and the one apt in the image uses (debian-archive-keyring). */
const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Written last: a rootfs without it is an interrupted attempt and is made again. */
const COMPLETE_MARKER = 'complete.json';
/** debootstrap from a mirror on another continent can take minutes; this bounds a hung download. */
const DEBOOTSTRAP_TIMEOUT_MS = 15 * 60_000;

/** Where this machine's apt gets Debian from: the mirror for the release, and the one for security updates. */
export interface DebianMirrors {
  readonly debian: string;
  readonly security: string | undefined;
}

interface SourceEntry {
  readonly uris: readonly string[];
  readonly suites: readonly string[];
}

/** One-line `deb [options] URI SUITE COMPONENT…` entries of a sources.list file. */
function parseOneLine(text: string): SourceEntry[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith('deb '))
    .map((line) => line.replace(/^deb\s+(\[[^\]]*\]\s+)?/, '').split(/\s+/))
    .filter((fields) => fields.length >= 2)
    .map(([uri, suite]) => ({ uris: [uri as string], suites: [suite as string] }));
}

/** deb822 stanzas of a .sources file (Types/URIs/Suites, blank-line separated), Enabled: no skipped. */
function parseDeb822(text: string): SourceEntry[] {
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields = new Map<string, string>();
      for (const line of stanza.split('\n')) {
        const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line.replace(/#.*/, ''));
        if (match) fields.set((match[1] as string).toLowerCase(), (match[2] as string).trim());
      }
      return fields;
    })
    .filter((fields) => (fields.get('types') ?? '').split(/\s+/).includes('deb'))
    .filter((fields) => fields.get('enabled')?.toLowerCase() !== 'no')
    .map((fields) => ({
      uris: (fields.get('uris') ?? '').split(/\s+/).filter(Boolean),
      suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean),
    }));
}

/**
 * The Debian mirrors this machine's apt uses (/etc/apt/sources.list and sources.list.d/*.list|*.sources):
 * the test reaches no other Debian host. Throws naming the files read when there is no bookworm entry.
 */
export function hostDebianMirrors(aptDir = '/etc/apt'): DebianMirrors {
  const files = [join(aptDir, 'sources.list')];
  const partsDir = join(aptDir, 'sources.list.d');
  if (existsSync(partsDir)) {
    for (const name of readdirSync(partsDir).sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(join(partsDir, name));
    }
  }
  const entries = files
    .filter((file) => existsSync(file))
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return file.endsWith('.sources') ? parseDeb822(text) : parseOneLine(text);
    });
  const mirrorFor = (suite: string) => entries.find((entry) => entry.suites.includes(suite))?.uris[0];
  const debian = mirrorFor(SUITE);
  if (debian === undefined) {
    throw new Error(`no apt source for Debian ${SUITE} in ${files.join(', ')}: debootstrap needs a mirror`);
  }
  return { debian, security: mirrorFor(`${SUITE}-security`) };
}

/** The official image's /etc/apt/sources.list.d/debian.sources, pointed at this machine's mirrors. */
function debianSources(mirrors: DebianMirrors): string {
  const stanza = (uri: string, suites: string) =>
    `Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\nSigned-By: ${DEBIAN_KEYRING}\n`;
  const parts = [stanza(mirrors.debian, `${SUITE} ${SUITE}-updates`)];
  if (mirrors.security) parts.push(stanza(mirrors.security, `${SUITE}-security`));
  return parts.join('\n');
}

/** This machine's Node install: the binary, npm and the headers node-gyp compiles addons against. */
interface NodeInstall {
  readonly version: string;
  readonly binary: string;
  readonly npmDir: string;
  readonly includeDir: string;
}

function hostNodeInstall(): NodeInstall {
  const binary = realpathSync(execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim());
  const version = execFileSync(binary, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  const npmPrefix = execFileSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).trim();
  const npmDir = join(npmPrefix, 'lib', 'node_modules', 'npm');
  // The headers sit beside the binary's prefix (<prefix>/bin/node, <prefix>/include/node).
  const includeDir = join(dirname(dirname(binary)), 'include', 'node');
  for (const [what, path] of [
    ['npm', join(npmDir, 'bin', 'npm-cli.js')],
    ['the Node headers (node-gyp builds better-sqlite3 against them)', join(includeDir, 'node.h')],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}`);
  }
  return { version, binary, npmDir, includeDir };
}

/** What a cached rootfs holds; compared on reuse so a changed Node install is not silently ignored. */
interface RootfsManifest {
  readonly suite: string;
  readonly nodeVersion: string;
  readonly mirrors: DebianMirrors;
}

function run(file: string, args: readonly string[], timeoutMs?: number): void {
  try {
    execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: 64 << 20 });
  } catch (error) {
    const failure = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    const output = `${failure.stdout?.toString() ?? ''}${failure.stderr?.toString() ?? ''}`.slice(-4_000);
    throw new Error(`${file} ${args.join(' ')} failed: ${failure.message}\n${output}`);
  }
}

/** Copies this machine's Node into the rootfs at the official image's paths, with npm/npx links on PATH. */
function installNode(rootfs: string, node: NodeInstall): void {
  const local = join(rootfs, 'usr', 'local');
  for (const sub of ['bin', 'lib/node_modules', 'include']) mkdirSync(join(local, sub), { recursive: true });
  run('cp', ['-a', node.binary, join(local, 'bin', 'node')]);
  run('cp', ['-a', node.npmDir, join(local, 'lib', 'node_modules', 'npm')]);
  run('cp', ['-a', node.includeDir, join(local, 'include', 'node')]);
  run('ln', ['-s', '../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin', 'npm')]);
  run('ln', ['-s', '../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin', 'npx')]);
}

/**
 * The cached base rootfs for this machine's Node, made on first use: debootstrap --variant=minbase from
 * this machine's Debian mirror, apt caches and lists emptied (as in the official slim image), Node copied
 * in, and a check that it runs there. Returns the rootfs directory. Needs root (debootstrap, chroot).
 */
export function nodeBaseRootfs(): string {
  const node = hostNodeInstall();
  const mirrors = hostDebianMirrors();
  const manifest: RootfsManifest = { suite: SUITE, nodeVersion: node.version, mirrors };
  const dir = join(BASE_CACHE_DIR, `${SUITE}-${arch()}-node-${node.version}`);
  const rootfs = join(dir, 'rootfs');
  const marker = join(dir, COMPLETE_MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(manifest)) return rootfs;

  mkdirSync(BASE_CACHE_DIR, { recursive: true });
  // Made beside the cache entry and renamed into place, so a crash never leaves a half rootfs in use.
  const work = mkdtempSync(join(BASE_CACHE_DIR, '.making-'));
  try {
    const fresh = join(work, 'rootfs');
    run(
      'debootstrap',
      ['--variant=minbase', `--keyring=${DEBIAN_KEYRING}`, SUITE, fresh, mirrors.debian],
      DEBOOTSTRAP_TIMEOUT_MS,
    );
    run('chroot', [fresh, 'apt-get', 'clean']);
    rmSync(join(fresh, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
    mkdirSync(join(fresh, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
    rmSync(join(fresh, 'etc', 'apt', 'sources.list'), { force: true });
    writeFileSync(join(fresh, 'etc', 'apt', 'sources.list.d', 'debian.sources'), debianSources(mirrors));
    installNode(fresh, node);
    // Without this machine's NODE_EXTRA_CA_CERTS: its path does not exist in the rootfs.
    const { NODE_EXTRA_CA_CERTS: _hostOnly, ...env } = process.env;
    const inside = execFileSync('chroot', [fresh, '/usr/local/bin/node', '-p', 'process.version'], {
      encoding: 'utf8',
      env,
    }).trim();
    if (inside !== node.version)
      throw new Error(`node in the rootfs says ${inside}, expected ${node.version}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    renameSync(fresh, rootfs);
    writeFileSync(marker, JSON.stringify(manifest));
  } finally {
    // A failed debootstrap can leave /proc and /sys mounted in its target.
    unmountUnder(work);
    rmSync(work, { recursive: true, force: true });
  }
  return rootfs;
}
