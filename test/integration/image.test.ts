import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../agent/report.js';
import { SIGNAL_NAMES } from '../../agent/sample-types.js';
import { type BuildahStore, createBuildahStore, type ImageInspect } from '../harness/buildah.js';
import { nodeBaseRootfs } from '../harness/node-base-rootfs.js';
import { requires } from '../harness/system-requirements.js';

/**
 * The Dockerfile, built as users build it and run as the manifests run it: buildah builds it against a
 * stand-in for node:20-bookworm-slim made here (debootstrap minbase + this machine's Node, cached), with
 * --pull=never; then the three programs run inside the image.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What the Dockerfile's FROM lines name; the stand-in is committed under exactly this name. */
const BASE_IMAGE = 'docker.io/library/node:20-bookworm-slim';
const IMAGE = 'localhost/nodedoc:image-test';
/** The uid:gid the Dockerfile runs as (distroless "nonroot"). */
const NONROOT = '65532:65532';
/** Where the collector keeps its store in the image (NODEDOC_DATA_DIR). */
const DATA_DIR = '/var/lib/nodedoc';
/**
 * The whole setup: debootstrap on first use (~35 s), then apt-get of the compilers, npm ci and compiling
 * better-sqlite3 from source (~2 min here). A slow mirror or registry in CI can take many times that; past
 * this, something hangs.
 */
const BUILD_TIMEOUT_MS = 30 * 60_000;
/** Teardown removes the store's layers (a few hundred MB). */
const TEARDOWN_TIMEOUT_MS = 5 * 60_000;

/**
 * Starts the collector as the image's user with only the image's defaults (loopback, ephemeral ports),
 * waits until it has opened its store and serves, asks its /readyz, stops it with SIGTERM and prints the
 * status, the exit code and its log. `until` bounds only a hung start: the loop ends as soon as it serves.
 */
const COLLECTOR_SMOKE = String.raw`
nodedoc-collector --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 > /tmp/collector.log 2>&1 &
pid=$!
tries=0
until grep -q '"msg":"store open; serving"' /tmp/collector.log || [ $tries -ge 600 ]; do sleep 0.1; tries=$((tries+1)); done
node -e '
  const log = require("fs").readFileSync("/tmp/collector.log", "utf8");
  const http = JSON.parse(log.split("\n").find((l) => l.includes("collector listening"))).http;
  fetch("http://" + http + "/readyz").then((r) => console.log("readyz=" + r.status), (e) => console.log("readyz=" + e));
'
kill -TERM $pid
wait $pid
echo "exit=$?"
cat /tmp/collector.log
`;

/**
 * The package.json of an installed package: node_modules/NAME or node_modules/@SCOPE/NAME, nested ones
 * too (…/node_modules/NAME/node_modules/OTHER); not a package.json deeper inside a package (a module-type
 * marker such as NAME/lib/package.json). The capture is the package's path, as package-lock.json keys it.
 */
const PACKAGE_MANIFEST =
  /^(node_modules\/(?:@[^/]+\/)?[^/@][^/]*(?:\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*)*)\/package\.json$/;

/** The CA bundle of a TLS-intercepting proxy this machine reaches the npm registry through, if any. */
function extraCaSecret(): Record<string, string> {
  const bundle = process.env.NODE_EXTRA_CA_CERTS;
  return bundle && existsSync(bundle) ? { 'extra-ca': bundle } : {};
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The lockfile's installed packages ("node_modules/…" paths) with their dev/optional flags. */
function lockPackages(): [string, { dev?: boolean; optional?: boolean }][] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  return Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
}

/** The commit being tested, for the revision label; 'unknown' outside a git checkout (a source tarball). */
function gitRevision(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

describe.skipIf(requires({ root: true, commands: ['buildah', 'debootstrap'] }))('the container image', () => {
  let store: BuildahStore;
  let container: string;
  let inspect: ImageInspect;
  const version = packageVersion();
  const revision = gitRevision();

  beforeAll(async () => {
    store = createBuildahStore();
    const started = process.hrtime.bigint();
    const rootfs = nodeBaseRootfs();
    const baseReady = process.hrtime.bigint();
    await store.importRootfs(rootfs, BASE_IMAGE, ['node']);
    await store.build({
      context: REPO_ROOT,
      tag: IMAGE,
      buildArgs: { VERSION: version, REVISION: revision },
      secrets: extraCaSecret(),
      logPath: join(store.dir, 'build.log'),
    });
    const built = process.hrtime.bigint();
    // Figures for the CI budget, not assertions.
    const seconds = (from: bigint, to: bigint) => (Number(to - from) / 1e9).toFixed(1);
    console.log(
      `image test: base rootfs ${seconds(started, baseReady)} s, import + build ${seconds(baseReady, built)} s`,
    );
    inspect = await store.inspectImage(IMAGE);
    container = await store.from(IMAGE);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await store?.destroy();
  }, TEARDOWN_TIMEOUT_MS);

  it('runs nodedoc-agent --once --json as root (as the DaemonSet does) and reports this host', async () => {
    const result = await store.run(container, ['nodedoc-agent', '--once', '--json'], { user: '0:0' });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as AgentReport;
    expect(Object.keys(report.samples).sort()).toEqual([...SIGNAL_NAMES].sort());
    expect(report.node).not.toBe('');
    // The kernel's boot id, read through the container's /proc: the same kernel as the test's.
    expect(report.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(Number.isNaN(Date.parse(report.time))).toBe(false);
    expect(Array.isArray(report.findings)).toBe(true);
    for (const finding of report.findings) {
      expect(Object.keys(finding)).toEqual(
        expect.arrayContaining(['check', 'cause', 'severity', 'summary', 'value', 'threshold']),
      );
    }
    for (const signal of ['cpu', 'memory', 'disk', 'processes', 'identity'] as const) {
      expect(report.samples[signal].status, signal).toBe('ok');
    }
  });

  it('runs the agent with the Node flags of its shebang line (env -S), found on PATH', async () => {
    const result = await store.run(container, [
      'sh',
      '-c',
      'head -1 "$(readlink -f "$(command -v nodedoc-agent)")"',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^#!\/usr\/bin\/env -S node --lite-mode /);
    // The flags reach V8: a script run with them sees --lite-mode in process.execArgv.
    const flags = await store.run(container, [
      'sh',
      '-c',
      `$(head -1 /opt/nodedoc/dist/agent/main.js | cut -c3-) -p 'process.execArgv.join(" ")'`,
    ]);
    expect(flags.code, flags.stderr).toBe(0);
    expect(flags.stdout.trim().split(' ')).toContain('--lite-mode');
  });

  it('prints the usage of nodedoc-collector --help and nodedoc --help and exits 0', async () => {
    const collector = await store.run(container, ['nodedoc-collector', '--help']);
    expect(collector.code, collector.stderr).toBe(0);
    expect(collector.stdout).toMatch(/^Usage:\n {2}nodedoc-collector /);
    expect(collector.stdout).toContain('--data-dir');
    const cli = await store.run(container, ['nodedoc', '--help']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^Usage:\n {2}nodedoc \[flags\] nodes /);
    expect(cli.stdout).toContain('why NODE');
    // The kubectl plugin is the same program under the name kubectl looks for.
    const plugin = await store.run(container, ['kubectl-nodedoc', '--help']);
    expect(plugin.code, plugin.stderr).toBe(0);
    expect(plugin.stdout).toContain('why NODE');
  });

  it('runs the collector as the non-root user, its store (better-sqlite3) in its data dir', async () => {
    expect(inspect.OCIv1.config.User).toBe(NONROOT);
    const id = await store.run(container, ['id', '-u']);
    expect(id.stdout.trim()).toBe(NONROOT.split(':')[0]);

    const smoke = await store.run(container, ['sh', '-c', COLLECTOR_SMOKE]);
    expect(smoke.code, smoke.stderr).toBe(0);
    expect(smoke.stdout).toContain('readyz=200');
    expect(smoke.stdout).toContain('exit=0');
    expect(smoke.stdout).toContain(`"dataDir":"${DATA_DIR}"`);
    const files = await store.run(container, ['stat', '-c', '%u:%g %n', `${DATA_DIR}/nodedoc.db`]);
    expect(files.stdout.trim()).toBe(`${NONROOT} ${DATA_DIR}/nodedoc.db`);
    // The programs themselves are root's: the collector's user cannot change them.
    const code = await store.run(container, ['sh', '-c', 'test -w /opt/nodedoc/dist/collector/main.js']);
    expect(code.code).not.toBe(0);
  });

  it('has no compiler, make or npm cache in the final image', async () => {
    const tools = await store.run(container, [
      'sh',
      '-c',
      'for tool in gcc g++ cc c++ make python3; do command -v "$tool"; done; true',
    ]);
    expect(tools.stdout.trim()).toBe('');
    const which = await store.run(container, ['which', 'gcc', 'g++', 'make']);
    expect(which.code).not.toBe(0);
    const cache = await store.run(
      container,
      ['sh', '-c', 'ls -A /root/.npm /home/*/.npm 2>/dev/null; true'],
      {
        user: '0:0',
      },
    );
    expect(cache.stdout.trim()).toBe('');
  });

  it('holds the production dependencies of package-lock.json and nothing else, .proto files, OCI labels', async () => {
    const listing = await store.run(container, [
      'sh',
      '-c',
      'cd /opt/nodedoc && ls && find node_modules -name package.json && find proto -type f',
    ]);
    expect(listing.code, listing.stderr).toBe(0);
    const lines = listing.stdout.split('\n').filter(Boolean);
    expect(lines).toEqual(
      expect.arrayContaining(['collector', 'dist', 'node_modules', 'package.json', 'proto']),
    );

    const installed = new Set(
      lines
        .map((line) => PACKAGE_MANIFEST.exec(line)?.[1])
        .filter((path): path is string => path !== undefined),
    );
    const production = lockPackages().filter(([, entry]) => entry.dev !== true);
    const required = production.filter(([, entry]) => entry.optional !== true).map(([path]) => path);
    const allowed = new Set(production.map(([path]) => path));
    expect([...installed].filter((path) => !allowed.has(path)).sort()).toEqual([]);
    expect(required.filter((path) => !installed.has(path)).sort()).toEqual([]);
    expect(installed).toContain('node_modules/better-sqlite3');

    expect(lines).toContain('proto/nodedoc/v1/agent_service.proto');
    const protoFiles = lines.filter((line) => line.startsWith('proto/'));
    expect(protoFiles.filter((line) => !line.endsWith('.proto'))).toEqual([]);

    const labels = inspect.OCIv1.config.Labels ?? {};
    expect(labels['org.opencontainers.image.title']).toBe('nodedoc');
    expect(labels['org.opencontainers.image.version']).toBe(version);
    expect(labels['org.opencontainers.image.revision']).toBe(revision);
    expect(labels['org.opencontainers.image.licenses']).toBe('Apache-2.0');
    expect(inspect.OCIv1.config.Cmd).toEqual(['nodedoc-collector']);
    expect(Object.keys(inspect.OCIv1.config.ExposedPorts ?? {}).sort()).toEqual([
      '50051/tcp',
      '8080/tcp',
      '9101/tcp',
    ]);
  });
});
