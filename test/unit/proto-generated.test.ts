import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * proto/gen is committed so that the build needs no generator step; this test fails when someone
 * edits a .proto file and forgets `npm run proto:gen`. It regenerates into a temporary directory with
 * the project's own script and compares file by file.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMMITTED = join(ROOT, 'proto/gen');
const GENERATOR = join(ROOT, 'scripts/generate-proto.mjs');
/** The generator takes a few hundred milliseconds; a cold npx cache can take longer. */
const GENERATE_TIMEOUT_MS = 60_000;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function snapshot(dir: string): Map<string, string> {
  return new Map(
    listFiles(dir)
      .map((path) => [relative(dir, path), readFileSync(path, 'utf8')] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe('proto/gen', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'nodedoc-proto-gen-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it(
    'matches what scripts/generate-proto.mjs generates from proto/ now (not stale)',
    () => {
      execFileSync(process.execPath, [GENERATOR, outDir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      const fresh = snapshot(outDir);
      const committed = snapshot(COMMITTED);
      expect([...committed.keys()]).toEqual([...fresh.keys()]);
      for (const [file, text] of fresh) {
        expect(committed.get(file), `proto/gen/${file} is stale: run npm run proto:gen`).toBe(text);
      }
      expect(fresh.size).toBeGreaterThan(0);
    },
    GENERATE_TIMEOUT_MS,
  );
});
