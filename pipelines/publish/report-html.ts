/**
 * Building blocks of the self-contained HTML reports: escaping, safe embedding of data in a
 * script tag, the inlined Chart.js bundle, and the page shell.
 *
 * A report must open offline from a file: no external script, style, font or image. Chart.js
 * (MIT, installed as a dependency) is inlined from its UMD bundle; charts are drawn in the
 * browser with animation off, and the page sets `window.__report = { charts, rendered, errors }`
 * so a headless browser can check that every chart drew.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let chartJs: string | null = null;

/**
 * The Chart.js UMD bundle as text (read once from node_modules/chart.js/dist/chart.umd.js),
 * with its source-map comment removed and any `</script` neutralised.
 * @throws when chart.js is not installed.
 */
export function chartJsSource(): string {
  if (chartJs === null) {
    const require = createRequire(import.meta.url);
    const main = require.resolve('chart.js'); // .../chart.js/dist/chart.cjs
    const text = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
    chartJs = text.replace(/\/\/# sourceMappingURL=\S+\s*$/, '').replace(/<\/script/gi, '<\\/script');
  }
  return chartJs;
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON safe inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 are written as \u
 * escapes, so no data can close the script or start a comment. Non-finite numbers become null.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A number for display: fixed decimals, '–' for null/NaN. */
export function fmt(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A two-column table of label/value pairs (values are escaped). */
export function kvTable(rows: readonly [string, string | number][], caption?: string): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join('');
  return `<table class="kv">${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<tbody>${body}</tbody></table>`;
}

/** A table with a header row (cells escaped). */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[], caption?: string): string {
  const h = head.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const b = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${h}</tr></thead><tbody>${b}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;background:#f7f8fa}
header{background:#243b53;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
main{padding:12px 28px 40px;max-width:1280px}
section{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:14px 18px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px}h3{font-size:14px;margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px}.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:14px}
.chart{position:relative;height:280px}.chart.small{height:220px}
table{border-collapse:collapse;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e4e7eb;padding:3px 10px;text-align:right}th{text-align:left;font-weight:600}
table.kv th{font-weight:500;color:#52606d}caption{text-align:left;font-weight:600;padding:4px 0}
.note{color:#52606d;font-size:13px}.missing{color:#9a6700;font-style:italic}
.flex{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.warnings{border-color:#d69e2e;background:#fffbea}.warnings li{margin:4px 0}
table.orders td:first-child,table.orders td:last-child{text-align:left}
table.watch td,table.replay td:first-child,table.series td:nth-child(-n+3){text-align:left}table.series td:first-child,table.series td:nth-child(7),table.series td:nth-child(9){white-space:nowrap}
details.drill{margin:4px 0}details.drill summary{cursor:pointer}details.drill[open]{border-left:3px solid #d9e2ec;padding-left:8px}#series-table th{cursor:pointer}#series-table th[aria-sort=ascending]::after{content:" ▲"}#series-table th[aria-sort=descending]::after{content:" ▼"}table.orders td:nth-child(3),table.orders td:nth-child(5),table.orders td:first-child{white-space:nowrap}
`;

/**
 * A complete HTML page with the inlined Chart.js bundle, the data as JSON and the drawing script.
 * @param title Page title (escaped).
 * @param subtitle Line under the title (escaped).
 * @param body HTML of the main element (already escaped by the caller).
 * @param data Data for the script, available there as `DATA`.
 * @param script JavaScript that draws the charts; it calls `chart(id, config)` for each chart.
 */
export function page(title: string, subtitle: string, body: string, data: unknown, script: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<main>
${body}
</main>
<script>${chartJsSource()}</script>
<script id="report-data" type="application/json">${jsonForScript(data)}</script>
<script>
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var state = { charts: 0, rendered: 0, errors: [] };
  window.__report = state;
  if (typeof Chart === 'undefined') { state.errors.push('Chart.js did not load'); return; }
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var PALETTE = ['#2f6fb0', '#d9822b', '#3a9a5b', '#c23b3b', '#7a5cb0', '#8c6d3f', '#d16ba5', '#6b7280', '#1b9aaa', '#b5a33a'];
  function chart(id, config) {
    var el = document.getElementById(id);
    if (!el) { state.errors.push('no canvas ' + id); return; }
    state.charts++;
    try { new Chart(el, config); state.rendered++; }
    catch (e) { state.errors.push(id + ': ' + (e && e.message ? e.message : String(e))); el.insertAdjacentText('afterend', 'chart failed: ' + e); }
  }
  ${script}
})();
</script>
</body>
</html>
`;
}
