/**
 * The runs page: one table row per run (status, time, rows read / accepted / rejected, mean
 * quality score, mean backtest accuracy) with download links to the run's files. Plain HTML
 * with no script; every value from a run (ids, reasons) is HTML-escaped. While a run is still
 * in flight the page reloads itself every few seconds.
 */
import { isInFlight, type RunRow } from './runs.js';

/** Escape text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Seconds between reloads while a run is in flight. */
export const REFRESH_SECONDS = 3;

/** What the page links to. */
export interface RunsPageLinks {
  /** bull-board's base path, e.g. `/queues`. */
  board: string;
  /** Prefix of download links, e.g. `/runs` (files at `/runs/<id>/<file>`). */
  files: string;
}

function num(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);
}

function int(v: number | undefined): string {
  return v === undefined ? '' : v.toLocaleString('en-US');
}

/** Path of a run file's download link. */
export function fileHref(links: RunsPageLinks, runId: string, file: string): string {
  return `${links.files}/${encodeURIComponent(runId)}/${encodeURIComponent(file)}`;
}

function statusCell(r: RunRow, links: RunsPageLinks): string {
  const jobs = r.jobs
    .map((j) => `<a href="${escapeHtml(`${links.board}/queue/${encodeURIComponent(j.queue)}/${encodeURIComponent(j.id)}`)}">${escapeHtml(j.queue)} job</a>`)
    .join(' ');
  const detail = r.detail ? `<div class="detail">${escapeHtml(r.detail)}</div>` : '';
  return `<span class="status status-${r.status}">${r.status}</span>${r.latest ? ' <span class="latest">latest</span>' : ''}${detail}${jobs ? `<div class="jobs">${jobs}</div>` : ''}`;
}

function filesCell(r: RunRow, links: RunsPageLinks): string {
  return r.files
    .map((f) => {
      const href = escapeHtml(fileHref(links, r.runId, f));
      if (f === 'report.html') return `<a href="${href}?view=1" target="_blank" rel="noopener">report</a> (<a href="${href}" download>download</a>)`;
      return `<a href="${href}" download>${escapeHtml(f)}</a>`;
    })
    .join('<br>');
}

/**
 * Render the runs page.
 * @param rows runs, newest first (dashboard/runs.ts `runRows`).
 * @param links where bull-board and the downloads live.
 * @param generatedAt time of rendering, ISO (shown, so a reader sees the page is current).
 * @param notice a warning shown above the table (e.g. the queue cannot be read).
 */
export function renderRunsPage(rows: readonly RunRow[], links: RunsPageLinks, generatedAt: string, notice?: string): string {
  const refresh = rows.some((r) => isInFlight(r.status)) ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : '';
  const body = rows.length
    ? rows
        .map(
          (r) => `<tr data-run="${escapeHtml(r.runId)}" data-status="${r.status}">
<td class="id">${escapeHtml(r.runId)}</td>
<td>${statusCell(r, links)}</td>
<td>${escapeHtml(r.runDate ?? '')}</td>
<td><time datetime="${escapeHtml(r.time)}">${escapeHtml(r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time></td>
<td class="n">${int(r.rows?.read)}</td><td class="n">${int(r.rows?.accepted)}</td><td class="n">${int(r.rows?.rejected)}</td>
<td class="n">${num(r.quality, 1)}</td>
<td class="n">${num(r.accuracy?.rmsse, 3)}</td><td class="n">${num(r.accuracy?.mase, 3)}</td><td class="n">${num(r.accuracy?.fva, 3)}</td>
<td class="files">${filesCell(r, links)}</td>
</tr>`,
        )
        .join('\n')
    : `<tr><td colspan="12" class="empty">No runs yet. Trigger one: open the <a href="${escapeHtml(`${links.board}/queue/run`)}">run queue</a> and use "Add job".</td></tr>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}
<title>Runs and outputs - forecast</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2933; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { border-bottom: 1px solid #d9e2ec; padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.id { font-family: ui-monospace, monospace; }
.status { font-weight: 600; }
.status-failed { color: #b42318; } .status-published, .status-validated { color: #1a7f37; } .status-degraded { color: #b54708; }
.latest { font-size: 12px; background: #e3f8ff; padding: 0 .3rem; border-radius: .2rem; }
.detail { color: #52606d; font-size: 12px; max-width: 32rem; white-space: pre-wrap; }
.jobs { font-size: 12px; }
.empty { color: #52606d; }
.notice { background: #fffbea; border: 1px solid #f0b429; padding: .5rem; }
</style>
</head>
<body>
<nav><a href="${escapeHtml(links.board)}">Queues (bull-board)</a><a href="${escapeHtml(`${links.board}/queue/run`)}">Trigger a run</a><strong>Runs and outputs</strong></nav>
<h1>Runs and outputs</h1>
${notice ? `<p class="notice">${escapeHtml(notice)}</p>` : ''}
<p>Updated <time datetime="${escapeHtml(generatedAt)}">${escapeHtml(generatedAt)}</time>. Quality: mean data-quality score (0-100) of the run's series. Accuracy: mean backtest RMSSE, MASE and forecast value added over seasonal naive of the chosen models.</p>
<table>
<thead><tr><th>Run</th><th>Status</th><th>Run date</th><th>Time (UTC)</th><th>Rows read</th><th>Accepted</th><th>Rejected</th><th>Quality</th><th>RMSSE</th><th>MASE</th><th>FVA</th><th>Files</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}
