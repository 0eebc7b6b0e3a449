/**
 * The per-run HTML report (`report.html` in the run directory): one self-contained file that
 * opens offline, with
 *
 * 0. "What to order" first (pipelines/publish/report-orders.ts), then the run's warnings,
 * 1. a data-quality summary (rows, issues, score distribution, cleaning actions),
 * 2. a quality-versus-error scatter (score against backtest RMSSE, one point per series),
 * 3. error by quality band (quintiles of the score),
 * 4. the defect cost ranking (pipelines/publish/quality-impact.ts regression),
 * 5. forecasts with intervals for the top skus (by units sold over the last 28 days),
 * 6. the model mix and the forecast value added over seasonal naive,
 * 7. realized accuracy of earlier runs, when the history holds any.
 * Sections 2 to 7 are statistics, under an "Appendix" heading.
 *
 * `buildReportData` gathers the figures from a run's stages (pure); `renderReport` turns them into
 * HTML (pure but for reading the Chart.js bundle once). The lead's publish step writes the result.
 */
import { formatDay } from '../dates.js';
import { DAILY, periodFirstDay, periodLabel, type Frequency, type PeriodGrid } from '../periods.js';
import type { ImpactResult, ImpactSummary } from './quality-impact.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';
import { escapeHtml, fmt, kvTable, page, table } from './report-html.js';
import type { RealizedRecord } from './run-history.js';
import type { RowCounts, SeriesData, SeriesQuality } from '../types.js';
import { byRecent, digestSeries, type SeriesDigest } from './series-digest.js';
import { meanOfFinite, median, minOf } from '../stats.js';
import type { RunWarning } from '../run/warnings.js';
import type { OrderPlan } from '../replenish/orders/orders.js';
import { ordersSection, reportOrders, type ReportOrders } from './report-orders.js';
import { levelsSection, type ReportLevels } from './report-levels.js';
import { replaySection } from './report-replay.js';
import { reportWatch, watchPeriods, watchSection, type CurrentFigures, type ReportWatch } from './report-watch.js';
import { DRILL_SCRIPT, drillChartsAtOpen, drillSection, reportDrill, type ReportDrill } from './report-drill.js';
import type { RunFigures } from './previous-run.js';
import type { PooledFacts } from '../forecast/pooled-stage.js';
import type { RunReplaySummary } from '../replenish/replay/run-replay.js';

/** History and forecast of one series, for its chart. */
export interface ReportSeries {
  readonly store: string;
  readonly sku: string;
  readonly model: string;
  /** ISO date of `history[0]`. */
  readonly historyStart: string;
  readonly history: number[];
  /** ISO date of `mean[0]`. */
  readonly forecastStart: string;
  readonly mean: number[];
  /** Bounds keyed by level ('80', '95'). */
  readonly lo: Record<string, number[]>;
  readonly hi: Record<string, number[]>;
  /** Weekly and monthly runs: a label per history and forecast period (`week of 2016-02-22`, `Feb 2016`); absent for daily runs (dates drawn from the ISO starts). */
  readonly labels?: string[];
}

/** Per-model forecast value added. */
export interface ReportFva {
  readonly model: string;
  readonly series: number;
  /** Mean FVA over the model's series with one (1 - RMSSE / snaive RMSSE). */
  readonly meanFva: number | null;
  readonly meanRmsse: number | null;
}

/** Everything the report shows. Plain JSON. */
export interface ReportData {
  readonly runId: string;
  readonly runDate: string;
  readonly inputName: string;
  readonly inputKind: string;
  /** The run's period (`day`, `week`, `month`) and how it was decided, one sentence. */
  readonly period: { readonly frequency: Frequency; readonly reason: string };
  /** Shown first, before any figure (pipelines/run/warnings.ts). */
  readonly warnings: readonly RunWarning[];
  /** The export profile applied, in words; null when none. */
  readonly profile: string | null;
  /** Repeated lines and what the duplicate policy did with them; null when unknown. */
  readonly duplicateLines: { readonly policy: string; readonly lines: number; readonly units: number; readonly shareOfUnits: number } | null;
  readonly rows: RowCounts;
  readonly issues: Readonly<Record<string, number>>;
  readonly quality: { readonly series: number; readonly meanScore: number; readonly medianScore: number; readonly minScore: number; readonly scores: number[] };
  readonly cleaning: Readonly<Record<string, number>> | null;
  /** Per-series points of the scatter. */
  readonly scatter: { score: number; rmsse: number; label: string }[];
  readonly impact: ImpactSummary | null;
  readonly levels: number[];
  readonly top: ReportSeries[];
  readonly modelMix: Record<string, number>;
  readonly fva: { readonly meanFva: number | null; readonly meanRmsse: number | null; readonly meanSnaiveRmsse: number | null; readonly byModel: ReportFva[] };
  readonly realized: RealizedRecord[];
  /** The "What to order" section (pipelines/publish/report-orders.ts); null when the run has no order list. */
  readonly orders: ReportOrders | null;
  /** The "Totals by store / category" section (pipelines/publish/report-levels.ts); null when the run has no levels. */
  readonly levelTotals: ReportLevels | null;
  /** The replay of the order policy on past sales (run.json `simulation`); null when the run has none. */
  readonly simulation: RunReplaySummary | null;
  /** The model pooled over all series (run.json `pooled`); null or absent when the run has none. */
  readonly pooled?: PooledFacts | null;
  /** "What to watch" (pipelines/publish/report-watch.ts); null without the current run's figures. */
  readonly watch: ReportWatch | null;
  /** Drill-downs and the series table (pipelines/publish/report-drill.ts); null without history tails. */
  readonly drill: ReportDrill | null;
}

/** What {@link buildReportData} reads of a prepared run (the fields of run.ts's PreparedRun). */
export interface ReportRunInput {
  readonly runId: string;
  readonly runDate: string;
  readonly input: { readonly path: string; readonly kind: string; readonly sha256?: string; readonly profile?: { readonly name: string | null; readonly title: string | null; readonly by: string } };
  readonly rows: RowCounts;
  /** Repeated lines and what the duplicate policy did with them (absent in runs saved before it existed). */
  readonly duplicateLines?: { readonly policy: string; readonly lines: number; readonly units: number; readonly shareOfUnits: number };
  /** The run's warnings, shown at the top of the report (none when absent). */
  readonly warnings?: readonly RunWarning[];
  readonly issues: Readonly<Record<string, number>>;
  readonly quality: { readonly series: readonly SeriesQuality[] };
  readonly cleaning: Readonly<Record<string, number>> | null;
  /** What the report needs of the histories; computed from `series` when absent. */
  readonly digest?: SeriesDigest;
  readonly series?: readonly SeriesData[];
  /** Last history period (day number for daily runs). */
  readonly end: number;
  /** Periods between the data's end and the first published period (stale data; 0 when absent). */
  readonly lead?: number;
  /** The run's period grid and how it was decided (daily when absent). */
  readonly period?: { readonly grid: PeriodGrid; readonly reason: string };
  /** The level forecasts' section figures (pipelines/publish/report-levels.ts); absent without levels. */
  readonly levelTotals?: ReportLevels | null;
  /** The pooled stage's facts (run.json `pooled`); absent when the run has none. */
  readonly pooled?: PooledFacts;
  /** The run's replay of its order policy (pipelines/replenish/replay/run-replay.ts); absent when not run. */
  readonly replay?: { readonly summary: RunReplaySummary; readonly bySeries?: Readonly<Record<string, { readonly fillRate: number }>> };
}

/**
 * The top series by recent units, with their last `historyDays` periods of history and their
 * forecasts, which start at the first published period (`end + 1 + lead`: after a gap to the run
 * date, pipelines/run/staleness.ts).
 */
function topSeries(run: ReportRunInput, forecasts: readonly SeriesForecast[], grid: PeriodGrid, topN: number, historyDays: number): ReportSeries[] {
  const digest = run.digest ?? digestSeries(run.series ?? [], run.end);
  const first = run.end + 1 + (run.lead ?? 0);
  const ranked = forecasts
    .map((f) => ({ f, key: `${f.store}\u0000${f.sku}`, v: digest.recent[`${f.store}\u0000${f.sku}`] ?? 0, name: f.store + f.sku }))
    .sort(byRecent)
    .slice(0, topN);
  return ranked.map(({ f, key }) => {
    const h = digest.history[key];
    const history = h ? h.values.slice(Math.max(0, h.values.length - historyDays)) : [];
    const from = h ? h.start + (h.values.length - history.length) : run.end + 1;
    const labels = grid.frequency === 'day' ? undefined : [...history.map((_, i) => periodLabel(grid, from + i)), ...f.mean.map((_, j) => periodLabel(grid, first + j))];
    return {
      ...(labels ? { labels } : {}),
      store: f.store,
      sku: f.sku,
      model: f.model,
      historyStart: formatDay(periodFirstDay(grid, from)),
      history,
      forecastStart: formatDay(periodFirstDay(grid, first)),
      mean: [...f.mean],
      lo: Object.fromEntries(Object.entries(f.lo).map(([k, v]) => [k, [...v]])),
      hi: Object.fromEntries(Object.entries(f.hi).map(([k, v]) => [k, [...v]])),
    };
  });
}

/** The drill-downs and series table, when the digest holds every series' tail (not in runs prepared before it did). */
function drillOf(run: ReportRunInput, forecasts: readonly SeriesForecast[], grid: PeriodGrid, plan: OrderPlan | null, watch: ReportWatch | null): ReportDrill | null {
  const digest = run.digest ?? digestSeries(run.series ?? [], run.end);
  if (!digest.tails) return null;
  const watched = new Map<string, string>();
  for (const i of watch?.changed?.items ?? []) watched.set(i.key, `forecast changed, ${i.why}`);
  for (const i of watch?.lowQuality.items ?? []) if (!watched.has(i.key)) watched.set(i.key, i.why);
  for (const i of watch?.stale.items ?? []) if (!watched.has(i.key)) watched.set(i.key, i.why);
  for (const k of watch?.keys ?? []) if (!watched.has(k)) watched.set(k, 'see What to watch');
  return reportDrill({
    forecasts,
    quality: run.quality.series,
    plan,
    grid,
    end: run.end,
    first: run.end + 1 + (run.lead ?? 0),
    tails: digest.tails,
    recent: digest.recent,
    watched,
    served: run.replay?.bySeries ?? {},
    periods: watchPeriods(grid.frequency).compare,
  });
}

/** Mean forecast value added per model, combinations grouped, most series first. */
function fvaByModel(forecasts: readonly SeriesForecast[]): ReportFva[] {
  const groups = new Map<string, SeriesForecast[]>();
  for (const f of forecasts) {
    const g = f.model.startsWith('combo(') ? 'combination' : f.model;
    const l = groups.get(g);
    if (l) l.push(f);
    else groups.set(g, [f]);
  }
  return [...groups.entries()]
    .map(([model, fs]) => ({ model, series: fs.length, meanFva: meanOfFinite(fs.map((f) => f.accuracy.fva)), meanRmsse: meanOfFinite(fs.map((f) => f.accuracy.rmsse)) }))
    .sort((a, b) => b.series - a.series || (a.model < b.model ? -1 : 1));
}

/**
 * Gather the report's figures from a run.
 *
 * @param run The prepared run (ids, counts, quality, cleaning counts, series, end day).
 * @param forecasts The run's forecasts.
 * @param impact The run's impact analysis, when computed.
 * @param options `topN` series charted (default 6), `historyDays` of history shown before the
 *   forecast (default 56), `levels` (default: the forecasts' own), `realized` records to show.
 * @throws when topN or historyDays is not a positive integer.
 */
export function buildReportData(
  run: ReportRunInput,
  forecasts: readonly SeriesForecast[],
  impact: ImpactResult | null,
  options: { topN?: number; historyDays?: number; realized?: readonly RealizedRecord[]; orders?: OrderPlan; compare?: { previous: RunFigures | null; current: CurrentFigures } } = {},
): ReportData {
  const topN = options.topN ?? 6;
  const historyDays = options.historyDays ?? 56;
  if (!Number.isInteger(topN) || topN < 1) throw new Error(`buildReportData needs topN >= 1, got ${topN}`);
  if (!Number.isInteger(historyDays) || historyDays < 1) throw new Error(`buildReportData needs historyDays >= 1, got ${historyDays}`);
  const scores = run.quality.series.map((q) => q.score);
  const grid = run.period?.grid ?? DAILY;
  const top = topSeries(run, forecasts, grid, topN, historyDays);
  const levels = Object.keys(forecasts[0]?.lo ?? {}).map(Number).sort((a, b) => a - b);
  const modelMix: Record<string, number> = {};
  for (const f of forecasts) modelMix[f.model] = (modelMix[f.model] ?? 0) + 1;
  const byModel = fvaByModel(forecasts);
  const watch = options.compare ? reportWatch(run.quality.series, grid.frequency, options.compare.previous, options.compare.current) : null;
  return {
    runId: run.runId,
    runDate: run.runDate,
    inputName: run.input.path,
    inputKind: run.input.kind,
    period: { frequency: grid.frequency, reason: run.period?.reason ?? 'Daily periods' },
    warnings: [...(run.warnings ?? [])],
    profile: run.input.profile?.title ? `${run.input.profile.title}${run.input.profile.by === 'header' ? ' (recognised from the header)' : ''}` : null,
    duplicateLines: run.duplicateLines ? { ...run.duplicateLines } : null,
    rows: { ...run.rows },
    issues: { ...run.issues },
    quality: {
      series: scores.length,
      meanScore: meanOfFinite(scores) ?? 0,
      medianScore: scores.length ? median(scores) : 0,
      minScore: scores.length ? minOf(scores) : 0,
      scores,
    },
    cleaning: run.cleaning ? { ...run.cleaning } : null,
    scatter: (impact?.rows ?? []).map((r) => ({ score: r.score, rmsse: r.rmsse, label: `${r.store} ${r.sku}`.trim() })),
    impact: impact ? impact.summary : null,
    levels,
    top,
    modelMix,
    fva: {
      meanFva: meanOfFinite(forecasts.map((f) => f.accuracy.fva)),
      meanRmsse: meanOfFinite(forecasts.map((f) => f.accuracy.rmsse)),
      meanSnaiveRmsse: meanOfFinite(forecasts.map((f) => f.accuracy.snaiveRmsse)),
      byModel,
    },
    realized: [...(options.realized ?? [])],
    orders: options.orders ? reportOrders(options.orders) : null,
    levelTotals: run.levelTotals ?? null,
    simulation: run.replay ? run.replay.summary : null,
    pooled: run.pooled ?? null,
    watch,
    drill: drillOf(run, forecasts, grid, options.orders ?? null, watch),
  };
}

/** One sentence on the model pooled over all series: what the published forecasts are, or why it was not used. */
export function pooledSentence(p: PooledFacts): string {
  if (!p.used) return `Forecasts are each item's chosen model alone; the model pooled over all items was not used: ${p.reason ?? 'no reason recorded'}.`;
  const share = Math.round(100 * p.weight);
  const other = Math.round(100 * (p.intermittentWeight ?? p.weight));
  const shares = other === share ? `${100 - share}%) and a model pooled over all items (${share}%` : `${100 - share}%, ${100 - other}% for items selling on fewer than about 3 days in 4) and a model pooled over all items (${share}%, ${other}%`;
  return `Forecasts are the mean of each item's chosen model (${shares}: gradient-boosted trees trained on ${p.rows} rows of the histories, forecasting ${p.series} series); the intervals are the chosen model's, widened where the mean left them. The models above are the chosen ones.`;
}

/** The drawing script (runs in the page; see report-html.ts for `chart`, `DATA`, `PALETTE`). */
const SCRIPT = `
  var q = DATA.quality;
  if (document.getElementById('c-scores')) {
    var lo = Math.max(0, Math.floor(q.minScore / 5) * 5), bins = [], labels = [];
    for (var b = lo; b < 100; b += 5) { bins.push(0); labels.push(b + '–' + (b + 5)); }
    if (!bins.length) { bins.push(0); labels.push('95–100'); lo = 95; }
    q.scores.forEach(function (s) { var i = Math.min(bins.length - 1, Math.floor((s - lo) / 5)); bins[Math.max(0, i)]++; });
    chart('c-scores', { type: 'bar', data: { labels: labels, datasets: [{ label: 'series', data: bins, backgroundColor: PALETTE[0] }] },
      options: { plugins: { legend: { display: false }, title: { display: true, text: 'Quality score distribution' } }, scales: { x: { title: { display: true, text: 'quality score' } }, y: { title: { display: true, text: 'series' }, beginAtZero: true } } } });
  }
  if (document.getElementById('c-scatter')) {
    chart('c-scatter', { type: 'scatter', data: { datasets: [{ label: 'series', data: DATA.scatter.map(function (p) { return { x: p.score, y: p.rmsse, label: p.label }; }), backgroundColor: 'rgba(47,111,176,0.55)', pointRadius: 3 }] },
      options: { plugins: { legend: { display: false }, title: { display: true, text: 'Quality score vs backtest RMSSE' },
        tooltip: { callbacks: { label: function (c) { return c.raw.label + ': score ' + c.raw.x.toFixed(1) + ', RMSSE ' + c.raw.y.toFixed(3); } } } },
        scales: { x: { title: { display: true, text: 'quality score (0-100)' } }, y: { title: { display: true, text: 'backtest RMSSE' }, beginAtZero: true } } } });
  }
  if (document.getElementById('c-bands')) {
    var bands = DATA.impact.bands;
    chart('c-bands', { type: 'bar', data: { labels: bands.map(function (b) { return 'Q' + b.band + ' (' + b.minScore.toFixed(0) + '–' + b.maxScore.toFixed(0) + ', n=' + b.series + ')'; }),
      datasets: [{ label: 'mean RMSSE', data: bands.map(function (b) { return b.meanRmsse; }), backgroundColor: PALETTE[0] },
                 { label: 'median RMSSE', data: bands.map(function (b) { return b.medianRmsse; }), backgroundColor: PALETTE[1] }] },
      options: { plugins: { title: { display: true, text: 'Backtest error by quality quintile (Q1 = lowest quality)' } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'RMSSE' } } } } });
  }
  if (document.getElementById('c-defects')) {
    var dc = DATA.impact.defectCost;
    chart('c-defects', { type: 'bar', data: { labels: dc.map(function (d) { return d.defect; }),
      datasets: [{ label: 'RMSSE cost at the mean defect rate', data: dc.map(function (d) { return d.costRmsse; }), backgroundColor: dc.map(function (d) { return d.costRmsse > 0 ? PALETTE[3] : PALETTE[7]; }) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false }, title: { display: true, text: 'Defect cost (regression coefficient × mean rate)' } }, scales: { x: { title: { display: true, text: 'RMSSE' } } } } });
  }
  DATA.top.forEach(function (s, i) {
    var id = 'c-fc-' + i;
    if (!document.getElementById(id)) return;
    function days(start, n) { var out = [], d = new Date(start + 'T00:00:00Z'); for (var k = 0; k < n; k++) { out.push(new Date(d.getTime() + k * 86400000).toISOString().slice(5, 10)); } return out; }
    var labels = s.labels || days(s.historyStart, s.history.length).concat(days(s.forecastStart, s.mean.length));
    var pad = function (arr, before, after) { return new Array(before).fill(null).concat(arr, new Array(after).fill(null)); };
    var h = s.history.length, f = s.mean.length;
    var datasets = [];
    var lv = DATA.levels.slice().sort(function (a, b) { return b - a; });
    lv.forEach(function (l, j) {
      var alpha = j === 0 ? 0.18 : 0.32;
      datasets.push({ label: l + '% upper', data: pad(s.hi[String(l)], h, 0), borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: 'rgba(217,130,43,' + alpha + ')' });
      datasets.push({ label: l + '% interval', data: pad(s.lo[String(l)], h, 0), borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: 'rgba(217,130,43,' + alpha + ')' });
    });
    datasets.push({ label: 'history', data: pad(s.history, 0, f), borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 0, borderWidth: 1.5, fill: false });
    datasets.push({ label: 'forecast', data: pad(s.mean, h, 0), borderColor: PALETTE[1], backgroundColor: PALETTE[1], pointRadius: 0, borderWidth: 2, fill: false });
    chart(id, { type: 'line', data: { labels: labels, datasets: datasets },
      options: { spanGaps: false, plugins: { title: { display: true, text: (s.store ? s.store + ' · ' : '') + s.sku + ' — ' + s.model },
        legend: { labels: { filter: function (item) { return !/upper$/.test(item.text); } } } },
        scales: { y: { beginAtZero: true, title: { display: true, text: 'units/' + ((DATA.period && DATA.period.frequency) || 'day') } }, x: { ticks: { maxTicksLimit: 12 } } } } });
  });
  if (document.getElementById('c-models')) {
    var mm = Object.entries(DATA.modelMix).sort(function (a, b) { return b[1] - a[1]; });
    if (mm.length > 10) { var rest = mm.slice(9).reduce(function (a, e) { return a + e[1]; }, 0); mm = mm.slice(0, 9).concat([['other', rest]]); }
    chart('c-models', { type: 'bar', data: { labels: mm.map(function (e) { return e[0]; }), datasets: [{ label: 'series', data: mm.map(function (e) { return e[1]; }), backgroundColor: mm.map(function (e, i) { return PALETTE[i % PALETTE.length]; }) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false }, title: { display: true, text: 'Model mix (series per chosen model)' } }, scales: { x: { beginAtZero: true } } } });
  }
  if (document.getElementById('c-fva')) {
    var fv = DATA.fva.byModel.filter(function (m) { return m.meanFva !== null; });
    chart('c-fva', { type: 'bar', data: { labels: fv.map(function (m) { return m.model + ' (n=' + m.series + ')'; }), datasets: [{ label: 'mean FVA vs seasonal naive', data: fv.map(function (m) { return m.meanFva; }), backgroundColor: fv.map(function (m) { return m.meanFva >= 0 ? PALETTE[2] : PALETTE[3]; }) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false }, title: { display: true, text: 'Forecast value added (1 − RMSSE / seasonal-naive RMSSE)' } }, scales: { x: { title: { display: true, text: 'FVA' } } } } });
  }
  if (document.getElementById('c-realized')) {
    var rz = DATA.realized;
    chart('c-realized', { type: 'bar', data: { labels: rz.map(function (r) { return r.runId; }), datasets: [{ label: 'realized RMSSE', data: rz.map(function (r) { return r.rmsse; }), backgroundColor: PALETTE[4], maxBarThickness: 60 }] },
      options: { plugins: { title: { display: true, text: 'Realized accuracy of earlier runs' } }, scales: { y: { beginAtZero: true } } } });
  }
`;

function missing(text: string): string {
  return `<p class="missing">${escapeHtml(text)}</p>`;
}

/** Number of charts {@link renderReport} draws for these data (the browser test checks them all). */
export function expectedCharts(data: ReportData): number {
  let n = 0;
  if (data.quality.scores.length) n++;
  if (data.scatter.length) n++;
  if (data.impact && data.impact.bands.length) n++;
  if (data.impact && data.impact.defectCost.length) n++;
  n += data.top.length;
  n += drillChartsAtOpen(data.drill);
  if (Object.keys(data.modelMix).length) n++;
  if (data.fva.byModel.some((m) => m.meanFva !== null)) n++;
  if (data.realized.length) n++;
  return n;
}

/** The duplicate policy's line of the rows table: units removed (drop) or kept (flag). */
function duplicateRows(d: ReportData['duplicateLines']): [string, string][] {
  if (!d || d.policy === 'keep') return [];
  const what = d.policy === 'drop' ? 'repeated lines dropped' : 'repeated lines kept (flag)';
  return [[what, `${d.lines} lines, ${fmt(d.units, 0)} units (${fmt(100 * d.shareOfUnits, 2)}% of units)`]];
}

/** The run's warnings in plain words, before any figure. */
function warningsSection(warnings: readonly RunWarning[]): string {
  const items = warnings.map((w) => `<li>${escapeHtml(w.message)}</li>`).join('\n');
  return `<section id="warnings" class="warnings"><h2>Read this before ordering</h2><ul>\n${items}\n</ul></section>`;
}

/**
 * Render the report as one self-contained HTML document (Chart.js inlined, data embedded as
 * JSON, no network access needed).
 * @param data The figures ({@link buildReportData}).
 * @returns the HTML text.
 */
export function renderReport(data: ReportData): string {
  const parts: string[] = [];
  const r = data.rows;
  const issues = Object.entries(data.issues).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  // prepared data saved before the order list existed has no `orders`
  if (data.orders) parts.push(ordersSection(data.orders, data.warnings.length));
  if (data.watch) parts.push(watchSection(data.watch, data.period.frequency));
  if (data.warnings.length) parts.push(warningsSection(data.warnings));
  if (data.simulation) parts.push(replaySection(data.simulation));
  if (data.drill) parts.push(drillSection(data.drill, data.period.frequency));
  parts.push(`<section id="period"><h2>Period</h2><p>${escapeHtml(data.period.reason)}.</p></section>`);
  parts.push(`<section id="quality"><h2>Data quality</h2><div class="flex">
${kvTable([
    ['rows read', r.read],
    ['accepted', r.accepted],
    ['rejected (see rejected.csv)', `${r.rejected} (${fmt(r.read ? (100 * r.rejected) / r.read : 0, 2)}%)`],
    ...duplicateRows(data.duplicateLines),
    ...(data.profile ? [['export profile', data.profile] as [string, string]] : []),
    ['series', data.quality.series],
    ['mean quality score', fmt(data.quality.meanScore, 1)],
    ['median quality score', fmt(data.quality.medianScore, 1)],
    ['lowest quality score', fmt(data.quality.minScore, 1)],
  ], 'Rows and scores')}
${issues.length ? table(['issue', 'rows'], issues, 'Issues found') : '<p class="note">No row issues found.</p>'}
${data.cleaning ? kvTable(Object.entries(data.cleaning).map(([k, v]) => [k, Number.isInteger(v) ? v : fmt(v, 2)]), `Cleaning actions (cleaning.csv lists each${data.period.frequency === 'day' ? '' : `; the day counts count ${data.period.frequency}s`})`) : '<p class="note">Cleaning was off for this run.</p>'}
</div>
${data.quality.scores.length ? '<div class="chart small"><canvas id="c-scores"></canvas></div>' : missing('no series profiled')}
</section>`);

  const imp = data.impact;
  const rho = imp && imp.spearman !== null ? `Spearman's rho between quality score and backtest RMSSE: ${fmt(imp.spearman, 3)} (p ≈ ${fmt(imp.spearmanP, 3)}, n = ${imp.series}). Negative means better data goes with smaller errors.` : 'Spearman correlation not available.';
  if (data.levelTotals) parts.push(levelsSection(data.levelTotals));
  parts.push('<h2 id="appendix">Appendix: forecast statistics</h2>');
  parts.push(`<section id="impact"><h2>Quality and accuracy</h2><p class="note">${escapeHtml(rho)}</p>
${imp && imp.notes.length ? `<p class="note">${escapeHtml(imp.notes.join('; '))}</p>` : ''}
<div class="grid">
${data.scatter.length ? '<div class="chart"><canvas id="c-scatter"></canvas></div>' : missing('no series with both a quality score and a backtest error')}
${imp && imp.bands.length ? '<div class="chart"><canvas id="c-bands"></canvas></div>' : missing('no quality bands')}
${imp && imp.defectCost.length ? '<div class="chart"><canvas id="c-defects"></canvas></div>' : missing(imp && imp.notes.length ? `defect ranking not available: ${imp.notes.join('; ')}` : 'defect ranking not available')}
</div>
${imp && imp.regression ? table(['term', 'estimate', 'std. error', 't'], imp.regression.coefficients.map((c) => [c.term, fmt(c.estimate, 4), fmt(c.stdError, 4), fmt(c.t, 2)]), `Regression of RMSSE on defect rates (n = ${imp.regression.observations}, R² = ${fmt(imp.regression.r2, 3)}${imp.regression.dropped.length ? `; constant, left out: ${imp.regression.dropped.join(', ')}` : ''})`) : ''}
</section>`);

  parts.push(`<section id="forecasts"><h2>Forecasts of the top ${data.top.length} series</h2><p class="note">By units sold over the last 28 ${data.period.frequency}s; shaded: ${escapeHtml(data.levels.join('% and '))}% prediction intervals.</p>
<div class="grid">${data.top.map((_, i) => `<div class="chart"><canvas id="c-fc-${i}"></canvas></div>`).join('\n')}</div>
${data.top.length ? '' : missing('no forecasts')}
</section>`);

  const fva = data.fva;
  parts.push(`<section id="models"><h2>Model mix and forecast value added</h2>
<p class="note">${escapeHtml(`Mean backtest RMSSE ${fmt(fva.meanRmsse, 3)} against ${fmt(fva.meanSnaiveRmsse, 3)} for seasonal naive; mean FVA ${fmt(fva.meanFva, 3)}.`)}</p>
${data.pooled ? `<p class="note">${escapeHtml(pooledSentence(data.pooled))}</p>` : ''}
<div class="grid">
${Object.keys(data.modelMix).length ? '<div class="chart"><canvas id="c-models"></canvas></div>' : missing('no models')}
${fva.byModel.some((m) => m.meanFva !== null) ? '<div class="chart"><canvas id="c-fva"></canvas></div>' : missing('no forecast value added: no series had a backtest')}
</div>
${table(['model', 'series', 'mean FVA', 'mean RMSSE'], fva.byModel.map((m) => [m.model, m.series, fmt(m.meanFva, 3), fmt(m.meanRmsse, 3)]))}
</section>`);

  if (data.realized.length) {
    parts.push(`<section id="realized"><h2>Realized accuracy of earlier runs</h2>
<div class="chart small"><canvas id="c-realized"></canvas></div>
${table(['run', 'scored days', 'series', 'RMSSE', 'MAE', 'bias', 'coverage', 'quality score', 'rho(quality, error)'], data.realized.map((z) => [z.runId, `${z.from} – ${z.to} (${z.days})`, z.series, fmt(z.rmsse, 3), fmt(z.mae, 3), fmt(z.bias, 3), Object.entries(z.coverage).map(([l, c]) => `${l}%: ${fmt(100 * c, 0)}%`).join(', '), fmt(z.qualityScore, 1), fmt(z.qualitySpearman, 2)]))}
</section>`);
  }

  return page(
    `Forecast run ${data.runId}`,
    `Run date ${data.runDate} · input ${data.inputName} (${data.inputKind})`,
    parts.join('\n'),
    { period: data.period, quality: data.quality, scatter: data.scatter, impact: data.impact, levels: data.levels, top: data.top, modelMix: data.modelMix, fva: data.fva, realized: data.realized, drill: data.drill },
    SCRIPT + DRILL_SCRIPT,
  );
}
