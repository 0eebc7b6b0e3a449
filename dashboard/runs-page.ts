/**
 * The runs page: one table row per run, named by its sales export's file name and run date
 * (the run id below, smaller), linking the run's own page; status, time, rows read / accepted /
 * rejected, mean quality score, mean backtest accuracy, and download links to the run's files.
 * Plain HTML with no script; every value from a run (ids, reasons) is HTML-escaped. While a run
 * is still in flight the page reloads itself every few seconds.
 */
import { escapeHtml, PAGES, renderPage } from './layout.js';
import { isInFlight, type RunRow } from './runs.js';

export { escapeHtml };

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
  const body = rows.length
    ? rows
        .map(
          (r) => `<tr data-run="${escapeHtml(r.runId)}" data-status="${r.status}">
<td><a class="run" href="${escapeHtml(`${links.files}/${encodeURIComponent(r.runId)}`)}">${escapeHtml(r.input ?? r.runId)}</a><div class="id">${escapeHtml(r.runId)}</div></td>
<td>${escapeHtml(r.runDate ?? '')}</td>
<td>${statusCell(r, links)}</td>
<td><time datetime="${escapeHtml(r.time)}">${escapeHtml(r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time></td>
<td class="n">${int(r.rows?.read)}</td><td class="n">${int(r.rows?.accepted)}</td><td class="n">${int(r.rows?.rejected)}</td>
<td class="n">${num(r.quality, 1)}</td>
<td class="n">${num(r.accuracy?.rmsse, 3)}</td><td class="n">${num(r.accuracy?.mase, 3)}</td><td class="n">${num(r.accuracy?.fva, 3)}</td>
<td class="files">${filesCell(r, links)}</td>
</tr>`,
        )
        .join('\n')
    : `<tr><td colspan="12" class="empty">No runs yet. <a href="${PAGES.newRun}">Start one</a> from a sales export (operators: the <a href="${escapeHtml(`${links.board}/queue/run`)}">run queue</a>).</td></tr>`;
  const html = `<h1>Runs and outputs</h1>
${notice ? `<p class="notice">${escapeHtml(notice)}</p>` : ''}
<p><a href="${PAGES.newRun}">New run</a> · <span class="muted">Updated <time datetime="${escapeHtml(generatedAt)}">${escapeHtml(generatedAt)}</time>. Quality: mean data-quality score (0-100) of the run's series. Accuracy: mean backtest RMSSE, MASE and forecast value added over seasonal naive of the chosen models.</span></p>
<table>
<thead><tr><th>Sales export</th><th>Run date</th><th>Status</th><th>Time (UTC)</th><th class="n">Rows read</th><th class="n">Accepted</th><th class="n">Rejected</th><th class="n">Quality</th><th class="n">RMSSE</th><th class="n">MASE</th><th class="n">FVA</th><th>Files</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<style>.latest { font-size: 12px; background: #e3f8ff; padding: 0 .3rem; border-radius: .2rem; } .detail { color: #52606d; font-size: 12px; max-width: 32rem; white-space: pre-wrap; } .jobs, td.files { font-size: 12px; } .empty { color: #52606d; }</style>`;
  return renderPage('Runs and outputs', html, { here: 'runs', refreshSeconds: rows.some((r) => isInFlight(r.status)) ? REFRESH_SECONDS : undefined });
}
