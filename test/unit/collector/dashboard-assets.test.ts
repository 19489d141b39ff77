import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_BUILD_DIR,
  CLIENT_ENTRY,
  DashboardAssets,
} from '../../../collector/dashboard/dashboard-assets.js';
import { startTestCollector, type TestCollector } from './collector-test-support.js';

const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot'));

describe('DashboardAssets', () => {
  const roots: string[] = [];
  const root = () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodedoc-assets-'));
    roots.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of roots) rmSync(dir, { recursive: true, force: true });
  });

  it('names the missing client build, and still has uPlot and the stylesheet', () => {
    const dir = root();
    const assets = DashboardAssets.load(dir);
    expect(assets.problem).toBe(
      `the dashboard client is not built (no ${join(dir, CLIENT_BUILD_DIR, CLIENT_ENTRY)}): run npm run build`,
    );
    expect(assets.get(CLIENT_ENTRY)).toBeUndefined();
    expect(assets.get('uPlot.iife.min.js')?.body).toEqual(readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js')));
    expect(assets.get('uPlot.min.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('dashboard.css')?.contentType).toBe('text/css; charset=utf-8');
  });

  it('serves the built client modules and their maps by bare name, nothing else from the directory', () => {
    const dir = root();
    const client = join(dir, CLIENT_BUILD_DIR);
    mkdirSync(join(client, 'nested'), { recursive: true });
    writeFileSync(join(client, CLIENT_ENTRY), 'export {};\n');
    writeFileSync(join(client, 'app.js.map'), '{}');
    writeFileSync(join(client, 'notes.txt'), 'secret');
    writeFileSync(join(client, 'nested', 'deep.js'), 'export {};\n');
    const assets = DashboardAssets.load(dir);
    expect(assets.problem).toBeUndefined();
    expect(assets.get(CLIENT_ENTRY)).toMatchObject({ contentType: 'text/javascript; charset=utf-8' });
    expect(assets.get(CLIENT_ENTRY)?.etag).toMatch(/^"[\w-]{27}"$/);
    expect(assets.get('app.js.map')?.contentType).toBe('application/json; charset=utf-8');
    for (const name of ['notes.txt', 'deep.js', 'nested/deep.js', '../package.json']) {
      expect(assets.get(name), name).toBeUndefined();
    }
  });
});

describe('the dashboard over HTTP', () => {
  let harness: TestCollector;

  beforeAll(async () => {
    harness = await startTestCollector();
  });

  afterAll(() => harness.cleanup());

  it('GET / is the dashboard shell, revalidated by ETag (304 without a body)', async () => {
    const response = await fetch(`${harness.httpBase}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const page = await response.text();
    for (const asset of ['/assets/uPlot.iife.min.js', '/assets/uPlot.min.css', '/assets/dashboard.css']) {
      expect(page).toContain(asset);
    }
    expect(page).toContain(`<script type="module" src="/assets/${CLIENT_ENTRY}"></script>`);
    const etag = response.headers.get('etag') ?? '';
    const again = await fetch(`${harness.httpBase}/`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves uPlot from its package with the right type, and nothing outside the asset map', async () => {
    const script = await fetch(`${harness.httpBase}/assets/uPlot.iife.min.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await script.arrayBuffer())).toEqual(
      readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js')),
    );
    for (const path of [
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%2E%2E%2Fpackage.json',
      '/assets/../package.json',
      '/assets/nope.js',
      '/assets/',
    ]) {
      const response = await fetch(`${harness.httpBase}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe(
        'ROUTE_NOT_FOUND',
      );
    }
  });
});
