/**
 * The page of one run (data: dashboard/run-detail.ts): where it is (queued, preparing,
 * forecasting N of M batches, publishing, published), what the buyer must know (run.json
 * warnings, degraded batches, the failure), the key figures (rows read, accepted, rejected and
 * the top reasons; data quality; backtest accuracy; what to order), the order list's first
 * lines, the downloads and the report inline. No script: while the run is in flight the page
 * reloads itself every {@link REFRESH_SECONDS} seconds.
 */
import { REJECT_CODES } from '../pipelines/ingest/validate.js';
import { escapeHtml, PAGES, renderPage } from './layout.js';
import type { CsvHead, RunProgress } from './run-detail.js';
import { isInFlight, type RunJson, type RunRow, type RunStatus } from './runs.js';

/** Seconds between reloads while the run is in flight. */
export const REFRESH_SECONDS = 2;

/** The stages shown, in order. */
const STAGES: ReadonlyArray<[RunStatus, string]> = [
  ['queued', 'Queued'],
  ['preparing', 'Preparing the data'],
  ['forecasting', 'Forecasting'],
  ['publishing', 'Publishing'],
  ['published', 'Published'],
];

/** Columns of orders.csv shown. */
const ORDER_COLUMNS = ['store', 'sku', 'supplier', 'on_hand', 'suggested_qty', 'order_by_date', 'reorder_point', 'order_up_to', 'reason'];

/** Path of a run file. */
export function runFileHref(runId: string, file: string): string {
  return `${PAGES.runs}/${encodeURIComponent(runId)}/${encodeURIComponent(file)}`;
}

/** Path of a run's page. */
export function runPageHref(runId: string): string {
  return `${PAGES.runs}/${encodeURIComponent(runId)}`;
}

function int(n: number | undefined | null): string {
  return n === undefined || n === null || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US');
}

function fixed(n: number | undefined | null, d: number): string {
  return n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toFixed(d);
}

/** The stage line: each stage done, current or to come, and how far the current one is. */
function stagesCard(row: RunRow, progress: RunProgress | undefined): string {
  const status = row.status === 'degraded' || row.status === 'validated' ? 'published' : row.status;
  const at = STAGES.findIndex(([s]) => s === status);
  const items = STAGES.map(([s, label], i) => {
    const state = at < 0 ? '' : i < at ? 'done' : i === at ? 'current' : 'todo';
    return `<li class="stage-${state}" data-stage="${s}">${i < at ? '✓ ' : ''}${label}</li>`;
  }).join('');
  const how = progress ? `<p data-k="progress">${progressText(progress)}${progress.total ? ` <progress max="${progress.total}" value="${progress.done ?? 0}"></progress>` : ''}</p>` : '';
  const detail = row.detail ? `<p class="${row.status === 'failed' ? 'error' : 'muted'}">${escapeHtml(row.detail)}</p>` : '';
  return `<section class="card"><p>Status: <span class="status status-${row.status}" id="status" data-status="${row.status}">${row.status}</span>${isInFlight(row.status) ? ' <span class="muted">(this page updates itself)</span>' : ''}</p>
<ol class="stages">${items}</ol>${how}${detail}</section>`;
}

/**
 * How far the current stage is, in words: the run job reports `ingest` (bytes of the file read)
 * and `queued` (batches handed to the train workers); the publish job's children count batches.
 */
export function progressText(p: RunProgress): string {
  const of = p.total ? `${int(p.done)} of ${int(p.total)}` : '';
  if (p.stage === 'ingest' && p.total) return `reading the file: ${Math.floor((100 * (p.done ?? 0)) / p.total)}%`;
  if (p.stage === 'queued') return `${int(p.total)} batches of series handed to the forecasting workers`;
  if (p.stage === 'forecasting' && p.total) return `forecasting: ${of} batches`;
  return `${escapeHtml(p.stage)}${of ? `: ${of}` : '…'}`;
}

/** Warnings in words: run.json `warnings`, then degraded batches. */
function warningsCard(s: RunJson | null): string {
  const list = [...(s?.warnings ?? []).map((w) => w.message), ...(s?.degraded ?? []).map((d) => `degraded: ${d}`)];
  if (!list.length) return '';
  return `<section class="card notice" id="warnings"><h2>Before you trust these numbers</h2><ul>${list.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></section>`;
}

/** Rows read, accepted and rejected with the top reject reasons; quality; accuracy; orders. */
function figuresCard(s: RunJson | null): string {
  if (!s) return '';
  const rejects = Object.entries(s.issues ?? {})
    .filter(([code, n]) => (REJECT_CODES as readonly string[]).includes(code) && n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([code, n]) => `${code.replace(/_/g, ' ')} ${int(n)}`)
    .join(', ');
  const f = s.forecast;
  const o = s.orders;
  const parts = [
    ['Rows', s.rows ? `<span data-k="rows">${int(s.rows.read)} read, ${int(s.rows.accepted)} accepted, ${int(s.rows.rejected)} rejected</span>${rejects ? `<div class="muted">Top reasons: ${escapeHtml(rejects)} (rejected.csv lists each row)</div>` : ''}` : '-'],
    ['Data quality', s.quality?.meanScore !== undefined && s.quality.meanScore !== null ? `${fixed(s.quality.meanScore, 1)} of 100 on average over ${int(s.quality.series)} series` : '-'],
    ['Forecast', f ? `${int(f.series)} series${typeof f.horizon === 'number' ? ` × ${f.horizon} periods` : ''}${typeof f.firstDate === 'string' ? ` from ${escapeHtml(f.firstDate)}` : ''}` : 'none (validation only)'],
    ['Accuracy (backtest)', f ? `RMSSE ${fixed(f.meanRmsse, 3)}, MASE ${fixed(f.meanMase, 3)}; ${f.meanFva === null || f.meanFva === undefined ? '' : `${fixed(f.meanFva * 100, 1)}% better than repeating last season`}` : '-'],
    ['To order', o ? `${int(o.ordersDue)} order line${o.ordersDue === 1 ? '' : 's'} due, ${int(o.units)} units${typeof o.value === 'number' ? `, value ${fixed(o.value, 2)}` : ''}${(o.notes ?? []).map((n) => `<div class="muted">${escapeHtml(n)}</div>`).join('')}` : '-'],
  ];
  return `<section class="card" id="figures"><h2>Key figures</h2><dl class="figures">${parts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></section>`;
}

/** The order list's first lines. */
function ordersCard(runId: string, orders: CsvHead | undefined): string {
  if (!orders || !orders.header.length) return '';
  const cols = ORDER_COLUMNS.map((c) => orders.header.indexOf(c)).filter((i) => i >= 0);
  const head = cols.map((i) => `<th>${escapeHtml(orders.header[i].replace(/_/g, ' '))}</th>`).join('');
  const body = orders.rows.map((r) => `<tr>${cols.map((i) => `<td>${escapeHtml(r[i] ?? '')}</td>`).join('')}</tr>`).join('\n');
  return `<section class="card" id="orders"><h2>What to order (first ${orders.rows.length} lines)</h2>
<table><thead><tr>${head}</tr></thead><tbody>${body || `<tr><td colspan="${cols.length}">No lines.</td></tr>`}</tbody></table>
<p>${orders.more ? 'More lines in ' : 'The whole list: '}<a href="${escapeHtml(runFileHref(runId, 'orders.csv'))}" download>orders.csv</a>.</p></section>`;
}

function downloadsCard(row: RunRow): string {
  if (!row.files.length) return '';
  const links = row.files.map((f) => `<li><a href="${escapeHtml(runFileHref(row.runId, f))}" download>${escapeHtml(f)}</a></li>`).join('');
  return `<section class="card" id="downloads"><h2>Downloads</h2><ul>${links}</ul></section>`;
}

/**
 * The report in a frame, sandboxed twice: by the attribute and by its response's policy
 * (dashboard/server.ts REPORT_CSP: `sandbox allow-scripts`, an opaque origin). It comes last on
 * the page: in headless Chromium, clicks below the frame did not reach the page (browser test).
 */
function reportCard(row: RunRow): string {
  if (!row.files.includes('report.html')) return '';
  const href = escapeHtml(`${runFileHref(row.runId, 'report.html')}?view=1`);
  return `<section class="card" id="report"><h2>Report <a class="muted" href="${href}" target="_blank" rel="noopener">open in its own tab</a></h2>
<iframe title="report" src="${href}" sandbox="allow-scripts" style="width:100%;height:80vh;border:1px solid #d9e2ec"></iframe></section>`;
}

/**
 * Render the page of a run.
 * @param row the run's row (status, files, jobs). @param summary its run.json.
 */
export function renderRunPage(row: RunRow, summary: RunJson | null, progress?: RunProgress, orders?: CsvHead): string {
  const jobs = row.jobs.map((j) => `<a href="${escapeHtml(`${PAGES.board}/queue/${encodeURIComponent(j.queue)}/${encodeURIComponent(j.id)}`)}">${escapeHtml(j.queue)} job</a>`).join(' · ');
  const title = row.input ?? row.runId;
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="muted">Run date <strong data-k="run-date">${escapeHtml(row.runDate ?? 'fixed once the file is read')}</strong> · run <span class="id">${escapeHtml(row.runId)}</span>${jobs ? ` · operators: ${jobs}` : ''}</p>
${stagesCard(row, progress)}
${warningsCard(summary)}
${figuresCard(summary)}
${ordersCard(row.runId, orders)}
${downloadsCard(row)}
${reportCard(row)}
<style>ol.stages { display: flex; gap: 1.2rem; list-style: none; padding: 0; } .stage-done { color: #1a7f37; } .stage-current { font-weight: 700; } .stage-todo { color: #9aa5b1; }</style>`;
  return renderPage(title, body, { here: 'runs', refreshSeconds: isInFlight(row.status) ? REFRESH_SECONDS : undefined });
}
