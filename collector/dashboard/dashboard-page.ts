import { CLIENT_ENTRY } from './dashboard-assets.js';

/** Escapes text for HTML (the version and a start-up problem are the only values put into the page). */
function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

/**
 * GET /: the dashboard's shell. The client (/assets/app.js) renders the fleet or node view into <main> from
 * the location hash (#/ or #/nodes/NAME). The API links stay in the footer for people and scripts.
 */
export function dashboardPage(version: string, problem: string | undefined): string {
  const links = [
    ['/api/v1/nodes', 'nodes'],
    ['/api/v1/fleet', 'fleet'],
    ['/api/v1/causes', 'causes'],
    ['/api/v1/watch', 'live events'],
    ['/metrics', 'metrics'],
  ]
    .map(([href, what]) => `<li><a href="${href}"><code>${href}</code></a> ${what}</li>`)
    .join('');
  const body = problem
    ? `<p class="error" role="alert">${escapeHtml(problem)}</p>`
    : '<p class="muted" id="loading">Loading the fleet…</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nodedoc</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/uPlot.iife.min.js" defer></script>
<script type="module" src="/assets/${CLIENT_ENTRY}"></script>
</head>
<body>
<header class="top">
<h1><a href="#/">nodedoc</a></h1>
<span class="muted">why is this node NotReady?</span>
<span id="live" role="status" aria-live="polite" data-state="connecting">connecting…</span>
</header>
<main id="view" tabindex="-1">${body}
<noscript><p class="error">The dashboard needs JavaScript; the JSON API below works without it.</p></noscript>
</main>
<footer><ul><li>nodedoc collector ${escapeHtml(version)}</li>${links}</ul></footer>
</body>
</html>
`;
}
