/**
 * The runbooks as the collector serves them: each runbook's markdown as written, and an HTML page rendered
 * from it with marked, plus an index of every cause. Everything is rendered once at start-up (21 small files),
 * so a request only picks a string.
 *
 * The pages are self-contained (inline style, no scripts, no external assets; the Content-Security-Policy
 * sent with them forbids loading anything). Raw HTML inside the markdown is shown as text, not interpreted, and
 * titles placed into the page template are escaped: nothing in a page is markup that was not written here.
 * Links are relative (`../runbooks`, `runbooks/<id>`) so the pages work behind a path prefix.
 */
import { Marked } from 'marked';
import type { Runbook } from '../../common/runbooks/runbook.js';
import type { RunbookLibrary } from '../../common/runbooks/runbook-library.js';

/** Sent with every runbook page: no scripts, no external loads, inline style only. */
export const RUNBOOK_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** marked with raw HTML blocks and inline tags rendered as their escaped text. */
const markdown = new Marked({ gfm: true, async: false }).use({
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

function renderMarkdown(text: string): string {
  return markdown.parse(text, { async: false });
}

const STYLE = `body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:56rem;margin:1.5rem auto;padding:0 1rem;color:#1f2328;background:#fff}
nav{font-size:.9rem;color:#59636e;border-bottom:1px solid #d1d9e0;padding-bottom:.5rem}
a{color:#0969da}h1{font-size:1.7rem;margin:.8rem 0}h2{font-size:1.25rem;margin-top:1.6rem;border-bottom:1px solid #d1d9e0}
pre{background:#f6f8fa;padding:.75rem 1rem;overflow-x:auto;border-radius:6px;line-height:1.4}
code{font:.88em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}:not(pre)>code{background:#eff1f3;padding:.1em .3em;border-radius:4px}
table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}pre,:not(pre)>code{background:#161b22}a{color:#4493f8}nav,h2{border-color:#30363d}}`;

function page(title: string, nav: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<nav>${nav}</nav>
<main>
${body}</main>
</body>
</html>
`;
}

export interface RunbookDocument {
  readonly markdown: string;
  readonly html: string;
}

/** The rendered runbooks and their index, by cause id. */
export class RunbookPages {
  readonly index: RunbookDocument;
  private readonly pages: ReadonlyMap<string, RunbookDocument>;

  constructor(library: RunbookLibrary) {
    const runbooks = library.all();
    this.pages = new Map(runbooks.map((runbook) => [runbook.id, RunbookPages.render(runbook)]));
    const indexMarkdown = [
      '# nodedoc runbooks',
      '',
      'One per cause nodedoc can diagnose: what it measured, the impact, how to confirm it and what to do.',
      '',
      ...runbooks.map((runbook) => `- [\`${runbook.id}\`](runbooks/${runbook.id}) — ${runbook.title}`),
      '',
    ].join('\n');
    this.index = {
      markdown: indexMarkdown,
      html: page(
        'nodedoc runbooks',
        'nodedoc · runbooks · <a href="?format=markdown">markdown</a>',
        renderMarkdown(indexMarkdown),
      ),
    };
  }

  /** The runbook of a cause id; undefined for anything else. */
  get(id: string): RunbookDocument | undefined {
    return this.pages.get(id);
  }

  private static render(runbook: Runbook): RunbookDocument {
    const nav = `<a href="../runbooks">All runbooks</a> · cause <code>${escapeHtml(runbook.id)}</code> · <a href="?format=markdown">markdown</a>`;
    return {
      markdown: runbook.markdown,
      html: page(`${runbook.title} · nodedoc runbook`, nav, renderMarkdown(runbook.markdown)),
    };
  }
}
