/**
 * The dashboard's static files, read once at start-up and served from memory: the compiled client modules
 * (collector/dashboard/client, built by `npm run build` into dist/browser/), uPlot's script and stylesheet from its
 * package, the stylesheet and the page. A request names a file by its bare name and is looked up in a map
 * built here, so no request path ever reaches the file system (no traversal).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_CSS } from './dashboard-styles.js';

/** Where the compiled client modules land (tsc -p collector/dashboard/client), relative to the package root. */
export const CLIENT_BUILD_DIR = 'dist/browser/collector/dashboard/client';
/** The client's entry module; without it the dashboard was not built. */
export const CLIENT_ENTRY = 'app.js';
/** uPlot's browser build (a global `uPlot`) and its stylesheet, as the package ships them. */
const UPLOT_FILES = ['uPlot.iife.min.js', 'uPlot.min.css'] as const;

/**
 * Revalidate every time (an ETag match is a bodiless 304): file names carry no version, so a long max-age
 * would keep an old client running against an upgraded collector.
 */
const CACHE_CONTROL = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: a hash of the body. */
  readonly etag: string;
}

export function makeAsset(name: string, body: Buffer | string): Asset {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const contentType = CONTENT_TYPES[extname(name)];
  if (contentType === undefined) throw new Error(`no content type for dashboard asset ${name}`);
  const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 27);
  return { body: bytes, contentType, etag: `"${hash}"` };
}

/** The package root: the nearest directory above this module with the package.json (source or dist). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the package root of the collector');
    dir = parent;
  }
  return dir;
}

export class DashboardAssets {
  private constructor(
    private readonly files: ReadonlyMap<string, Asset>,
    /** Why the client is unavailable (not built), or undefined when it is. */
    readonly problem: string | undefined,
  ) {}

  /** Reads every asset now. A missing client build is reported in `problem`, not thrown. */
  static load(root: string = packageRoot()): DashboardAssets {
    const files = new Map<string, Asset>();
    const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot'));
    for (const name of UPLOT_FILES) files.set(name, makeAsset(name, readFileSync(join(uplotDir, name))));
    files.set('dashboard.css', makeAsset('dashboard.css', DASHBOARD_CSS));
    const clientDir = join(root, CLIENT_BUILD_DIR);
    let problem: string | undefined;
    if (existsSync(join(clientDir, CLIENT_ENTRY))) {
      for (const entry of readdirSync(clientDir, { withFileTypes: true })) {
        if (!entry.isFile() || !(entry.name.endsWith('.js') || entry.name.endsWith('.js.map'))) continue;
        files.set(entry.name, makeAsset(entry.name, readFileSync(join(clientDir, entry.name))));
      }
    } else {
      problem = `the dashboard client is not built (no ${join(clientDir, CLIENT_ENTRY)}): run npm run build`;
    }
    return new DashboardAssets(files, problem);
  }

  get(name: string): Asset | undefined {
    return this.files.get(name);
  }
}

/** Writes an asset with its validators; a matching If-None-Match gets a 304 without the body. */
export function sendAsset(request: IncomingMessage, response: ServerResponse, asset: Asset): void {
  const headers = {
    'content-type': asset.contentType,
    'cache-control': CACHE_CONTROL,
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
  };
  const tags = (request.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
  if (tags.includes(asset.etag) || tags.includes('*')) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': asset.body.length }).end(asset.body);
}
