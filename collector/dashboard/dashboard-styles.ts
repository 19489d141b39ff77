/**
 * The dashboard's stylesheet (served as /assets/dashboard.css). Kept as a string in a module so it ships in
 * dist/ with the rest of the collector and needs no copy step. Colours come in light and dark sets
 * (prefers-color-scheme); every status is also spelled out in text, so nothing relies on colour alone.
 */
export const DASHBOARD_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #111418; --muted: #505a66; --line: #d5dae0; --panel: #f4f6f8; --link: #0b57d0;
  --ready: #1a7f37; --atrisk: #9a6700; --notready: #c62828; --unreachable: #6f42c1;
  --critical: #c62828; --warning: #9a6700; --info: #505a66;
  --series-1: #0b57d0; --series-2: #b3261e; --series-3: #1a7f37;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --fg: #e8ecf0; --muted: #a3adb8; --line: #2e3640; --panel: #181d23; --link: #8ab4f8;
    --ready: #4ac26b; --atrisk: #e3b341; --notready: #ff6b6b; --unreachable: #b392f0;
    --critical: #ff6b6b; --warning: #e3b341; --info: #a3adb8;
    --series-1: #8ab4f8; --series-2: #ff8a80; --series-3: #4ac26b;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, th button:focus-visible {
  outline: 3px solid var(--link); outline-offset: 2px;
}
header.top { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; padding: .75rem 1.25rem;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header.top h1 { font-size: 1.2rem; margin: 0; }
header.top h1 a { color: inherit; text-decoration: none; }
#live { margin-left: auto; color: var(--muted); font-size: .9rem; }
#live[data-state="live"]::before { content: "● "; color: var(--ready); }
#live[data-state="polling"]::before, #live[data-state="connecting"]::before { content: "● "; color: var(--atrisk); }
main { padding: 1rem 1.25rem 3rem; max-width: 1400px; margin: 0 auto; }
main:focus { outline: none; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.muted { color: var(--muted); }
.error { border: 2px solid var(--notready); padding: .75rem 1rem; border-radius: 6px; }
.counts { display: flex; gap: .75rem; flex-wrap: wrap; }
.count { min-width: 9rem; padding: .6rem .9rem; border: 1px solid var(--line); border-left-width: 6px;
  border-radius: 6px; background: var(--panel); color: var(--fg); font: inherit; text-align: left; cursor: pointer; }
.count strong { display: block; font-size: 1.8rem; line-height: 1.1; }
.count[aria-pressed="true"] { outline: 2px solid var(--fg); }
.status-Ready { --status: var(--ready); } .status-AtRisk { --status: var(--atrisk); }
.status-NotReady { --status: var(--notready); } .status-Unreachable { --status: var(--unreachable); }
.count { border-left-color: var(--status, var(--line)); }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-weight: 600; font-size: .85rem;
  border: 2px solid var(--status, var(--line)); color: var(--status, var(--fg)); white-space: nowrap; }
.sev { font-weight: 600; text-transform: uppercase; font-size: .8rem; letter-spacing: .03em; }
.sev-critical { color: var(--critical); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
.fleet-causes { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
.fleet-causes li, .cause { border: 1px solid var(--line); border-left: 6px solid var(--critical); border-radius: 6px;
  padding: .6rem .9rem; background: var(--panel); }
.fleet-causes li.sev-border-warning, .cause.sev-border-warning { border-left-color: var(--warning); }
.fleet-causes li.sev-border-info, .cause.sev-border-info { border-left-color: var(--info); }
.controls { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin: .75rem 0; }
.controls label { display: grid; gap: .2rem; font-size: .85rem; color: var(--muted); }
input, select, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: 4px; padding: .3rem .5rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th button { border: 0; background: none; padding: 0; font-weight: 700; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " ▲"; } th[aria-sort="descending"] button::after { content: " ▼"; }
td.node { white-space: nowrap; }
td.node a { font-weight: 600; }
.pager { display: flex; gap: .75rem; align-items: center; margin-top: .5rem; }
.node-head { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
.node-head h2 { font-size: 1.4rem; margin: .5rem 0; }
.cause { margin: .75rem 0; }
.cause h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.cause ul, .cause ol { margin: .25rem 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1rem; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; background: var(--panel); min-width: 0; }
.chart .plot { width: 100%; }
.chart h3 { font-size: .95rem; margin: 0 0 .25rem; }
.chart .uplot, .chart .u-legend { color: var(--fg); }
.timeline { list-style: none; padding: 0; margin: 0; }
.timeline li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .75rem; }
footer { padding: 1rem 1.25rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
footer ul { display: flex; gap: 1rem; flex-wrap: wrap; list-style: none; padding: 0; margin: 0; }
@media (max-width: 640px) { .charts { grid-template-columns: 1fr; } }
`;
