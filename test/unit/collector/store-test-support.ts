/**
 * Helpers for the store tests: real SQLite files in temporary data directories (removed after each test),
 * and reports/identities built from a few numbers.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach } from 'vitest';
import type { AgentIdentity, IncomingReport } from '../../../collector/store/node-store.js';
import { SqliteStore, type SqliteStoreOptions } from '../../../collector/store/sqlite-store.js';
import type { Finding__Output } from '../../../proto/gen/nodedoc/v1/Finding.js';
import type { Vitals__Output } from '../../../proto/gen/nodedoc/v1/Vitals.js';

export const T0 = Date.parse('2026-11-23T12:00:00.000Z');
export const BOOT_ID = '0f2b4c1e-6d0a-4b8e-9a51-3c7d2e9f1a40';

export function identity(node: string, epoch: string, overrides: Partial<AgentIdentity> = {}): AgentIdentity {
  return {
    node,
    epoch,
    bootId: BOOT_ID,
    agentVersion: '0.1.0',
    kernel: '6.1.0-28-amd64',
    os: 'Debian GNU/Linux 12 (bookworm)',
    capabilities: ['cpu', 'memory', 'disk'],
    intervalMs: 10_000,
    ...overrides,
  };
}

/** Vitals as proto-loader decodes them: each set optional field with its oneof marker. */
export const VITALS: Vitals__Output = {
  cpuBusyRatio: 0.25,
  _cpuBusyRatio: 'cpuBusyRatio',
  memoryAvailableBytes: 3_221_225_472,
  _memoryAvailableBytes: 'memoryAvailableBytes',
  dnsP95Seconds: 0.0125,
  _dnsP95Seconds: 'dnsP95Seconds',
};

export const OOM_FINDING: Finding__Output = {
  check: 'CHECK_ID_OOM_KILL',
  cause: 'CAUSE_ID_OOM_KILL',
  severity: 'SEVERITY_CRITICAL',
  summary: '1 OOM kill: stress-ng (pid 9522)',
  value: 1,
  _value: 'value',
  subject: '/kubepods/burstable/pod1',
  detailsJson: '{"victims":[{"pid":9522}]}',
};

/** Report `sequence`, sampled `sequence` seconds after T0 unless told otherwise. */
export function report(sequence: number | string, overrides: Partial<IncomingReport> = {}): IncomingReport {
  return {
    sequence: String(sequence),
    sampledAtMs: T0 + Number(sequence) * 1_000,
    bootId: BOOT_ID,
    findings: [],
    signals: [{ signal: 'cpu', state: 'SIGNAL_STATE_OK', reason: '' }],
    vitals: VITALS,
    samplesJson: `{"cpu":{"busyRatio":0.25,"seq":${sequence}}}`,
    sampleDurationSeconds: 0.004,
    ...overrides,
  };
}

export function reports(from: number, to: number): IncomingReport[] {
  return Array.from({ length: to - from + 1 }, (_, index) => report(from + index));
}

/**
 * Temporary data directories and the stores opened in them, closed and removed after each test of the
 * file that calls this (at module level).
 */
export function useTempStores(): {
  dataDir: () => string;
  open: (dataDir: string, options?: SqliteStoreOptions) => SqliteStore;
} {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((store) => store.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dataDir: () => {
      const dir = mkdtempSync(join(tmpdir(), 'nodedoc-store-'));
      dirs.push(dir);
      return dir;
    },
    open: (dataDir, options) => {
      const store = SqliteStore.open(dataDir, options);
      stores.push(store);
      return store;
    },
  };
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD_SOURCE = 'test/unit/collector/store-writer-child.ts';

/**
 * Compiles the store and store-writer-child.ts from the current sources into `outDir` and returns the
 * child's path, so process tests never run a stale build. Type-stripping only (type-checking is tsc's
 * job); node_modules is linked so better-sqlite3 resolves.
 */
export function compileStoreChild(outDir: string): string {
  const sources = [
    ...readdirSync(join(REPO, 'collector/store'))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `collector/store/${name}`),
    CHILD_SOURCE,
  ];
  for (const source of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(REPO, source), 'utf8'), {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(outDir, source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO, 'node_modules'), join(outDir, 'node_modules'));
  return join(outDir, CHILD_SOURCE.replace(/\.ts$/, '.js'));
}
