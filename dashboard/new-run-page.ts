/**
 * The "New run" page (routes in dashboard/new-run.ts). Step 1: upload a sales export (and any
 * side files), or pick one already in `incoming/`. Step 2, once the file is read: what it holds
 * (dates, rows, period and export profile detected) and the run's settings, each blank or "as
 * detected" by default, then "Start the run". Plain HTML forms, no script; every value from a
 * file or a request is escaped.
 */
import { DEFAULT_HORIZON } from '../pipelines/periods.js';
import type { FilePreview } from './file-preview.js';
import { escapeHtml, PAGES, renderPage } from './layout.js';

/** The optional side files of a run: form field and what it is. */
export const SIDE_FILES = [
  ['calendar', 'Calendar', 'events and holidays: date, event columns'],
  ['stock', 'Stock on hand', 'store, sku, on_hand (gives order quantities)'],
  ['onOrder', 'On order', 'store, sku, qty, expected date'],
  ['items', 'Items', 'sku, supplier, lead_time_days, pack_size, min_order_qty, unit_cost'],
  ['suppliers', 'Suppliers', 'supplier, delivery_days, cutoff, min_order_value'],
] as const;
export type SideField = (typeof SIDE_FILES)[number][0];

/** What the page shows. */
export interface NewRunView {
  /** File names in `incoming/` and in `incoming/side/`. */
  readonly incoming: readonly string[];
  readonly side: readonly string[];
  /** The chosen sales export and side files (paths relative to the data directory). */
  readonly chosen?: { readonly input: string; readonly side: Partial<Record<SideField, string>> };
  readonly preview?: FilePreview;
  /** Why the chosen file could not be read. */
  readonly previewError?: string;
  /** The values typed last time (the form is shown again after a refusal). */
  readonly values?: Readonly<Record<string, string>>;
  /** Why the last submission was refused. */
  readonly error?: string;
  readonly maxUploadBytes: number;
  /** The shop's settings the blanks stand for. */
  readonly settings: { readonly frequency: string; readonly profile: string; readonly horizon?: number };
  /** Known export profile names. */
  readonly profiles: readonly string[];
}

function size(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.round(n / 1024)} KB`;
}

function option(value: string, text: string, selected: boolean): string {
  return `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(text)}</option>`;
}

/** Step 1: upload, or pick a file of incoming/. */
function chooseFile(v: NewRunView): string {
  const sideInputs = SIDE_FILES.map(([field, label, what]) => `<label>${label} <span class="muted">(optional CSV: ${what})</span><input type="file" name="${field}" accept=".csv,.txt,.gz"></label>`).join('\n');
  const pick = v.incoming.length
    ? `<form method="get" action="${PAGES.newRun}">
<label for="pick">Sales export</label><select id="pick" name="input">${v.incoming.map((n) => option(`incoming/${n}`, n, v.chosen?.input === `incoming/${n}`)).join('')}</select>
<button type="submit">Read this file</button></form>`
    : '<p class="muted">No file in incoming/ yet.</p>';
  return `<section class="card"><h2>1. Upload a sales export</h2>
<form method="post" action="${PAGES.newRun}/upload" enctype="multipart/form-data">
<label for="sales">Sales export <span class="muted">(CSV, CSV.gz or Excel .xlsx, at most ${size(v.maxUploadBytes)})</span></label>
<input id="sales" type="file" name="sales" required accept=".csv,.txt,.gz,.xlsx">
<details><summary>Optional files: calendar, stock, on order, items, suppliers</summary>${sideInputs}</details>
<button type="submit">Upload and read</button>
</form></section>
<section class="card"><h2>… or pick a file already in incoming/</h2>${pick}</section>`;
}

/** What the file holds, in words. */
function previewCard(v: NewRunView): string {
  const name = v.chosen!.input.split('/').pop() ?? v.chosen!.input;
  if (v.previewError) return `<section class="card"><h2>${escapeHtml(name)}</h2><p class="error">This file cannot be read as a sales export: ${escapeHtml(v.previewError)}</p></section>`;
  const p = v.preview!;
  const profile = p.profile.name ? `${p.profile.title ?? p.profile.name} (${p.profile.by === 'header' ? 'recognised from the header' : 'from the settings'})` : 'none (columns found by their names)';
  return `<section class="card" id="preview"><h2>${escapeHtml(name)}</h2>
<dl class="figures">
<dt>Dates</dt><dd data-k="dates">${escapeHtml(p.firstDate ?? '-')} to <span data-k="last-date">${escapeHtml(p.lastDate ?? '-')}</span></dd>
<dt>Rows</dt><dd>${p.rows.read.toLocaleString('en-US')} read, ${p.rows.accepted.toLocaleString('en-US')} accepted, ${p.rows.rejected.toLocaleString('en-US')} rejected (the run lists why)</dd>
<dt>Store × item series</dt><dd>${p.series.toLocaleString('en-US')}</dd>
<dt>Period</dt><dd data-k="frequency">${escapeHtml(p.frequency)}</dd><dd style="grid-column:2;font-weight:normal" class="muted">${escapeHtml(p.frequencyReason)}</dd>
<dt>Export profile</dt><dd data-k="profile">${escapeHtml(profile)}</dd>
</dl></section>`;
}

/** Step 2: the run's settings. */
function settingsForm(v: NewRunView): string {
  const val = (k: string) => v.values?.[k] ?? '';
  const p = v.preview;
  const side = SIDE_FILES.map(([field, label, what]) => {
    const chosen = v.values?.[field] ?? v.chosen?.side[field] ?? '';
    const opts = [option('', 'none', chosen === ''), ...v.side.map((n) => option(`incoming/side/${n}`, n, chosen === `incoming/side/${n}`))].join('');
    return `<label>${label} <span class="muted">(${what}; files of incoming/side/)</span><select name="${field}">${opts}</select></label>`;
  }).join('\n');
  const defaultHorizon = v.settings.horizon ?? (p ? DEFAULT_HORIZON[p.frequency] : undefined);
  const detectedFrequency = p ? `as detected: ${p.frequency}` : 'as detected';
  const freqBlank = v.settings.frequency === 'auto' ? detectedFrequency : `as set: ${v.settings.frequency}`;
  const profBlank = v.settings.profile === 'auto' ? `as detected: ${p?.profile.name ?? 'none'}` : `as set: ${v.settings.profile}`;
  return `<section class="card"><h2>2. Settings of the run</h2>
<form method="post" action="${PAGES.newRun}/start">
<input type="hidden" name="input" value="${escapeHtml(v.chosen!.input)}">
<label for="runDate">Run date <span class="muted">(the first day to forecast; rows dated after it are rejected)</span></label>
<input id="runDate" type="date" name="runDate" value="${escapeHtml(val('runDate'))}">
<p class="muted" id="run-date-default">Leave it blank for the day after the file's last date${p?.dayAfter ? `: <strong data-k="day-after">${escapeHtml(p.dayAfter)}</strong>` : ''}.</p>
<label for="horizon">Horizon <span class="muted">(periods to forecast; blank: ${defaultHorizon ?? 'the default of the period'}${p ? ` ${p.frequency}s` : ''})</span></label>
<input id="horizon" type="number" name="horizon" min="1" max="366" value="${escapeHtml(val('horizon'))}">
<label for="frequency">Period</label>
<select id="frequency" name="frequency">${[option('', freqBlank, val('frequency') === ''), ...['auto', 'day', 'week', 'month'].map((f) => option(f, f === 'auto' ? 'detect from the dates' : f, val('frequency') === f))].join('')}</select>
<label for="profile">Export profile</label>
<select id="profile" name="profile">${[option('', profBlank, val('profile') === ''), option('auto', 'recognise from the header', val('profile') === 'auto'), option('none', 'none', val('profile') === 'none'), ...v.profiles.map((n) => option(n, n, val('profile') === n))].join('')}</select>
${side}
<button type="submit">Start the run</button>
</form></section>`;
}

/** Render the page. */
export function renderNewRunPage(v: NewRunView): string {
  const error = v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : '';
  const body = v.chosen
    ? `<h1>New run</h1>${error}${previewCard(v)}${v.previewError ? '' : settingsForm(v)}<p><a href="${PAGES.newRun}">Choose another file</a></p>`
    : `<h1>New run</h1>${error}<p>Forecast from a sales export: upload it, check what was read, then start the run. You follow it on its own page.</p>${chooseFile(v)}`;
  return renderPage('New run', body, { here: 'newRun' });
}
