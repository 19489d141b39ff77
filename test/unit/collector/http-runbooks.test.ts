import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookFormat } from '../../../collector/http/markdown-negotiation.js';
import { escapeHtml, RUNBOOK_PAGE_CSP, RunbookPages } from '../../../collector/http/runbook-pages.js';
import { StartupError } from '../../../collector/startup-error.js';
import { CAUSE_IDS } from '../../../common/ids.js';
import { RunbookLibrary } from '../../../common/runbooks/runbook-library.js';
import { getJson, startTestCollector, type TestCollector } from './collector-test-support.js';

const RUNBOOKS = new URL('../../../collector/runbooks/', import.meta.url).pathname;
const library = RunbookLibrary.load(RUNBOOKS);
const fileText = (id: string) => readFileSync(join(RUNBOOKS, `${id}.md`), 'utf8');

let harness: TestCollector;
beforeAll(async () => {
  harness = await startTestCollector();
});
afterAll(() => harness.cleanup());

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.httpBase}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('GET /runbooks/{id}', () => {
  it('serves HTML by default: the runbook rendered, self-contained, with a strict CSP', async () => {
    const { status, headers, text } = await get('/runbooks/conntrack-exhaustion');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(headers.get('content-security-policy')).toBe(RUNBOOK_PAGE_CSP);
    expect(headers.get('vary')).toBe('Accept');
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).toContain('<title>Conntrack table full · nodedoc runbook</title>');
    expect(text).toContain('<h1>Conntrack table full</h1>');
    const headings = [...text.matchAll(/<h2>(.*?)<\/h2>/g)].map((match) => match[1]);
    expect(headings).toEqual(['Meaning', 'Impact', 'Diagnosis', 'Mitigation']);
    // Commands are code blocks, their placeholders escaped rather than taken for tags.
    expect(text).toContain('<pre><code class="language-sh">');
    expect(text).toContain('nodedoc why &lt;node&gt;');
    expect(text).toContain('href="../runbooks"');
    // No scripts and nothing loaded from elsewhere.
    expect(text).not.toMatch(/<(script|link|img|iframe|object)\b|\ssrc="|href="https?:/i);
  });

  it.each([
    ['Accept: text/markdown', { accept: 'text/markdown' }, ''],
    ['?format=markdown', {}, '?format=markdown'],
    ['markdown preferred over HTML', { accept: 'text/html;q=0.5, text/markdown' }, ''],
  ])('serves the file as written when asked (%s)', async (_label, headers, query) => {
    const { status, headers: answer, text } = await get(`/runbooks/dns-failure${query}`, headers);
    expect(status).toBe(200);
    expect(answer.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(text).toBe(fileText('dns-failure'));
  });

  it('gives browsers HTML (they name text/html) and lets ?format=html override Accept', async () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    expect((await get('/runbooks/oom-kill', { accept: browser })).headers.get('content-type')).toBe(
      'text/html; charset=utf-8',
    );
    const forced = await get('/runbooks/oom-kill?format=html', { accept: 'text/markdown' });
    expect(forced.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('serves every cause id', async () => {
    for (const id of CAUSE_IDS) {
      const { status, text } = await get(`/runbooks/${id}?format=markdown`);
      expect(status, id).toBe(200);
      expect(text, id).toBe(fileText(id));
    }
  });

  it('answers an unknown cause with a 404 catalog error', async () => {
    const { status, headers, body } = await getJson(harness.httpBase, '/runbooks/disk-full');
    expect(status).toBe(404);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({
      error: {
        code: 'UNKNOWN_CAUSE',
        message: 'no cause "disk-full"; GET /api/v1/causes lists the cause ids, /runbooks their runbooks',
      },
    });
    const hostile = await getJson(harness.httpBase, `/runbooks/${encodeURIComponent('<b>x</b>'.repeat(50))}`);
    expect(hostile.status).toBe(404);
    expect((hostile.body as { error: { message: string } }).error.message).toBe(
      `no cause ${JSON.stringify('<b>x</b>'.repeat(50).slice(0, 64))}; GET /api/v1/causes lists the cause ids, /runbooks their runbooks`,
    );
  });

  it('rejects a bad format and unknown parameters with 400', async () => {
    const bad = await getJson(harness.httpBase, '/runbooks/oom-kill?format=pdf');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: { code: 'INVALID_PARAMETER', message: 'invalid format: expected html or markdown, got "pdf"' },
    });
    const unknown = await getJson(harness.httpBase, '/runbooks/oom-kill?lang=de');
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: { code: string } }).error.code).toBe('UNKNOWN_PARAMETER');
  });
});

describe('GET /runbooks', () => {
  it('lists every cause with its title and a relative link, in HTML', async () => {
    const { status, headers, text } = await get('/runbooks');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    const links = [
      ...text.matchAll(/<a href="runbooks\/([a-z-]+)"><code>([a-z-]+)<\/code><\/a> — ([^<]+)<\/li>/g),
    ];
    expect(links.map((link) => link[1])).toEqual([...CAUSE_IDS]);
    expect(links.map((link) => link[2])).toEqual([...CAUSE_IDS]);
    for (const [, id, , title] of links) expect(title).toBe(escapeHtml(library.get(id ?? '')?.title ?? ''));
  });

  it('lists them as markdown on request', async () => {
    const { status, text } = await get('/runbooks', { accept: 'text/markdown' });
    expect(status).toBe(200);
    for (const runbook of library.all()) {
      expect(text).toContain(`- [\`${runbook.id}\`](runbooks/${runbook.id}) — ${runbook.title}\n`);
    }
  });
});

describe('runbookFormat', () => {
  it.each([
    [undefined, 'html'],
    ['', 'html'],
    ['*/*', 'html'],
    ['text/html', 'html'],
    ['text/markdown', 'markdown'],
    ['text/markdown, */*', 'markdown'],
    ['text/markdown;q=0.5, */*', 'html'],
    ['text/html, text/markdown', 'html'],
    ['text/html;q=0.4, text/markdown;q=0.9', 'markdown'],
    ['text/markdown;q=0', 'html'],
    ['TEXT/MARKDOWN; charset=utf-8', 'markdown'],
    ['text/markdown;q=banana', 'html'],
  ] as const)('Accept %j → %s', (accept, expected) => {
    expect(runbookFormat(undefined, accept)).toBe(expected);
  });
});

describe('RunbookPages', () => {
  it('shows raw HTML in a runbook as text and escapes its title', () => {
    const directory = mkdtempSync(join(tmpdir(), 'nodedoc-runbook-pages-'));
    try {
      const hostile = `# Title <img src=x onerror=alert(1)>

## Meaning

<script>alert(1)</script>

Inline <b onclick="x()">tag</b>.

## Impact

x

## Diagnosis

\`\`\`sh
echo '<script>'
\`\`\`

## Mitigation

x
`;
      for (const id of CAUSE_IDS) writeFileSync(join(directory, `${id}.md`), hostile);
      const page = new RunbookPages(RunbookLibrary.load(directory)).get('kubelet-down')?.html ?? '';
      expect(page).not.toMatch(/<script|<img|<b /);
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).toContain('<title>Title &lt;img src=x onerror=alert(1)&gt; · nodedoc runbook</title>');
      expect(page).toContain('Inline &lt;b onclick=&quot;x()&quot;&gt;tag&lt;/b&gt;.');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('start-up', () => {
  it('refuses to start when a cause has no runbook, naming it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nodedoc-runbooks-missing-'));
    try {
      for (const id of CAUSE_IDS.filter((id) => id !== 'clock-skew'))
        writeFileSync(join(directory, `${id}.md`), fileText(id));
      const started = startTestCollector({ hooks: { runbookDirectory: directory } });
      await expect(started).rejects.toBeInstanceOf(StartupError);
      await expect(started).rejects.toThrow(
        `cannot load the runbooks: ${directory} has no runbook for: clock-skew.md`,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
