/**
 * GET /: a small page pointing at the API until the dashboard issue replaces it with the real dashboard.
 */
export function placeholderPage(version: string): string {
  const links = [
    ['/api/v1/nodes', 'every node with its status and top cause'],
    ['/api/v1/causes', 'the causes the collector can diagnose'],
    ['/metrics', 'Prometheus metrics'],
    ['/healthz', 'liveness'],
    ['/readyz', 'readiness'],
  ]
    .map(([href, what]) => `<li><a href="${href}"><code>${href}</code></a> — ${what}</li>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>nodedoc collector</title>
  </head>
  <body>
    <h1>nodedoc collector ${version}</h1>
    <p>Why is this node NotReady? The dashboard is not built yet; the API is:</p>
    <ul>
      ${links}
      <li><code>/api/v1/nodes/{node}</code> — one node's diagnosis, evidence and ingest figures</li>
      <li><code>/api/v1/nodes/{node}/timeline?since=1h&amp;until=&amp;limit=</code> — its reports over time</li>
    </ul>
  </body>
</html>
`;
}
