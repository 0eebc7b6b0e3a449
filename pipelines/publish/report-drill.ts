/**
 * The report's per-item part (issue 16 item 5): one drill-down per item for the most urgent and
 * watched items (history, forecast with its intervals, and for daily runs the projected stock with
 * the suggested order arriving), then every series in one searchable, sortable table.
 *
 * Size stays bounded at any scale: at most {@link DRILL_ITEMS} drill-downs (their charts drawn
 * only when opened, from compact numbers rounded to 2 decimals), and one short row per series in
 * the table, which the page filters and sorts and shows {@link TABLE_ROWS} rows of at a time
 * (about 100 bytes per series: 3 MB for 30,000).
 *
 * Drill-downs, in order: items with an order due (the order list's urgency order), then the
 * watched items (pipelines/publish/report-watch.ts), then the best sellers, up to the cap.
 * Projected stock: units on hand at the end of the last sales day, less the forecast day by day,
 * plus the suggested order on its arrival day, never below 0 (lost sales), drawn until the next
 * order could arrive (the arrival plus the review period: the days this order is meant to cover);
 * units already on order are not drawn (their delivery dates are in the on-order file, not in the
 * order list).
 */
import { formatDay } from '../dates.js';
import { periodFirstDay, periodLabel, type PeriodGrid } from '../periods.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';
import type { OrderPlan, OrderRow } from '../replenish/orders/orders.js';
import { dayWithWeekday } from '../replenish/delivery.js';
import type { SeriesQuality } from '../types.js';
import { escapeHtml } from './report-html.js';

/** Drill-downs at most. */
export const DRILL_ITEMS = 30;
/** Table rows shown at a time. */
export const TABLE_ROWS = 100;

/** One drill-down (numbers rounded to 2 decimals). */
export interface DrillDown {
  readonly item: string;
  /** Why it is shown, in words. */
  readonly why: string;
  readonly model: string;
  /** Labels of the history then the forecast periods (dates with the year). */
  readonly labels: string[];
  readonly history: number[];
  readonly mean: number[];
  readonly lo: Record<string, number[]>;
  readonly hi: Record<string, number[]>;
  /** Projected stock per forecast day (daily runs with a stock count), else null. */
  readonly stock: number[] | null;
  /** Index of the forecast day the suggested order arrives, or -1. */
  readonly arrival: number;
  readonly orderQty: number | null;
}

/** Columns of the series table, in order (plain words). */
export const TABLE_COLUMNS = ['item', 'supplier', 'demand pattern', 'data quality', 'forecast, first periods', 'on hand', 'runs out', 'order', 'order by', 'served in the replay', 'watch'] as const;

/** The per-item part's data (plain JSON). */
export interface ReportDrill {
  readonly drills: DrillDown[];
  /** One row per series, cells in {@link TABLE_COLUMNS} order (null = unknown). */
  readonly rows: (string | number | null)[][];
  /** Periods summed in the forecast column. */
  readonly periods: number;
}

const r2 = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : 0);
const keyOf = (store: string, sku: string) => `${store}\u0000${sku}`;
const name = (store: string, sku: string) => (store ? `${store} / ${sku}` : sku);
const DEMAND_WORDS: Record<string, string> = { smooth: 'steady', erratic: 'erratic', intermittent: 'slow, occasional', lumpy: 'occasional, in bursts', none: 'no sales' };

/** Projected stock over the forecast days (module comment). */
export function projectStock(onHand: number, mean: readonly number[], arrival: number, qty: number): number[] {
  const out: number[] = [];
  let s = onHand;
  for (let t = 0; t < mean.length; t++) {
    if (t === arrival) s += qty;
    s = Math.max(0, s - mean[t]);
    out.push(r2(s));
  }
  return out;
}

/** The order of the drill-downs (module comment): keys with why each is shown. */
function drillOrder(plan: OrderPlan | null, watched: ReadonlyMap<string, string>, recent: Readonly<Record<string, number>>, forecasts: readonly SeriesForecast[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of plan?.rows ?? []) {
    if (out.size >= DRILL_ITEMS) break;
    if ((r.suggestedQty ?? 0) > 0) out.set(keyOf(r.store, r.sku), r.expectedStockout !== null ? `order ${r.suggestedQty} now; runs out ${dayWithWeekday(r.expectedStockout)}` : `order ${r.suggestedQty} now`);
  }
  for (const [k, why] of watched) if (out.size < DRILL_ITEMS && !out.has(k)) out.set(k, `watch: ${why}`);
  const best = forecasts.map((f) => keyOf(f.store, f.sku)).sort((a, b) => (recent[b] ?? 0) - (recent[a] ?? 0) || (a < b ? -1 : 1));
  for (const k of best) if (out.size < DRILL_ITEMS && !out.has(k)) out.set(k, 'one of the best sellers');
  return out;
}

/** Inputs of {@link reportDrill}. */
export interface DrillInput {
  readonly forecasts: readonly SeriesForecast[];
  readonly quality: readonly SeriesQuality[];
  readonly plan: OrderPlan | null;
  readonly grid: PeriodGrid;
  /** Last history period and the first published one. */
  readonly end: number;
  readonly first: number;
  /** The last periods of every series (pipelines/publish/series-digest.ts `tails`), ending on `end`. */
  readonly tails: Readonly<Record<string, number[]>>;
  readonly recent: Readonly<Record<string, number>>;
  /** Watched keys with why (first reason). */
  readonly watched: ReadonlyMap<string, string>;
  /** The replay's fill rate per series. */
  readonly served: Readonly<Record<string, { fillRate: number }>>;
  /** Forecast periods summed in the table. */
  readonly periods: number;
}

function drillOf(f: SeriesForecast, why: string, row: OrderRow | undefined, x: DrillInput): DrillDown {
  const h = x.tails[keyOf(f.store, f.sku)] ?? [];
  const label = (p: number) => (x.grid.frequency === 'day' ? formatDay(p) : periodLabel(x.grid, p));
  const labels = [...h.map((_, i) => label(x.end - h.length + 1 + i)), ...f.mean.map((_, j) => label(x.first + j))];
  const round = (r: Record<string, number[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.map(r2)]));
  const daily = x.grid.frequency === 'day' && row && row.onHand !== null;
  const firstDay = periodFirstDay(x.grid, x.first);
  const qty = row?.suggestedQty ?? 0;
  const arrival = row && qty > 0 ? row.arrival - firstDay : -1;
  return {
    item: name(f.store, f.sku),
    why,
    model: f.model,
    labels,
    history: [...h],
    mean: f.mean.map(r2),
    lo: round(f.lo),
    hi: round(f.hi),
    // drawn until the next order could arrive (arrival + review period): later orders are not planned here
    stock: daily ? projectStock(row.onHand as number, arrival >= 0 ? f.mean.slice(0, arrival + row.reviewPeriodDays) : f.mean, arrival, qty) : null,
    arrival,
    orderQty: row?.suggestedQty ?? null,
  };
}

/** The per-item part's data (module comment). */
export function reportDrill(x: DrillInput): ReportDrill {
  const rows = new Map((x.plan?.rows ?? []).map((r) => [keyOf(r.store, r.sku), r]));
  const quality = new Map(x.quality.map((q) => [keyOf(q.store, q.sku), q]));
  const byKey = new Map(x.forecasts.map((f) => [keyOf(f.store, f.sku), f]));
  const drills: DrillDown[] = [];
  for (const [k, why] of drillOrder(x.plan, x.watched, x.recent, x.forecasts)) {
    const f = byKey.get(k);
    if (f) drills.push(drillOf(f, why, rows.get(k), x));
  }
  const table = x.forecasts.map((f) => {
    const k = keyOf(f.store, f.sku);
    const r = rows.get(k);
    const q = quality.get(k);
    let total = 0;
    for (let i = 0; i < Math.min(x.periods, f.mean.length); i++) total += f.mean[i];
    const served = x.served[k];
    return [
      name(f.store, f.sku),
      r?.supplier ?? '',
      DEMAND_WORDS[f.demandClass] ?? f.demandClass,
      q ? Math.round(q.score) : null,
      r2(total),
      r?.onHand ?? null,
      r?.expectedStockout != null ? formatDay(r.expectedStockout) : r && r.onHand !== null ? 'not within a year' : null,
      r?.suggestedQty ?? null,
      r?.orderBy != null ? formatDay(r.orderBy) : null,
      served ? Math.round(1000 * served.fillRate) / 10 : null,
      x.watched.has(k) ? 'watch' : '',
    ];
  });
  return { drills, rows: table, periods: x.periods };
}

/** HTML of the drill-downs and the table (charts and rows are drawn by {@link DRILL_SCRIPT}). */
export function drillSection(d: ReportDrill, unit: string): string {
  const items = d.drills
    .map((x, i) => `<details class="drill" data-i="${i}"${i === 0 ? ' open' : ''}><summary><strong>${escapeHtml(x.item)}</strong> — ${escapeHtml(x.why)}</summary>
<p class="note">${escapeHtml(`Forecast model: ${x.model}.`)}</p><div class="pair"><div class="chart"><canvas id="c-drill-${i}"></canvas></div>${x.stock ? `<div class="chart"><canvas id="c-stock-${i}"></canvas></div>` : `<p class="note">${escapeHtml(x.orderQty === null ? 'No stock count for this item: projected stock not drawn.' : 'Projected stock is drawn for daily runs.')}</p>`}</div></details>`)
    .join('\n');
  const head = TABLE_COLUMNS.map((c, i) => `<th scope="col" data-col="${i}" tabindex="0" aria-sort="none">${escapeHtml(c === 'forecast, first periods' ? `forecast, next ${d.periods} ${unit}s` : c)}</th>`).join('');
  return `<section id="items"><h2>Item by item</h2>
<p class="note">${d.drills.length} item(s) in detail: orders due first, then the items to watch, then the best sellers. Click an item to open its charts: sales (blue), forecast (orange) with its prediction intervals (shaded), and projected stock on hand with the suggested order arriving (green), until the next order could arrive; units already on order are not drawn.</p>
${items || '<p class="missing">no items</p>'}
<h3>All ${d.rows.length} series</h3>
<p><label>Search <input id="series-search" type="search" placeholder="store, item, supplier, demand pattern or “watch”" size="40"></label> <span id="series-count" class="note"></span></p>
<table id="series-table" class="series"><thead><tr>${head}</tr></thead><tbody></tbody></table>
<p class="note">Click a column heading to sort; at most ${TABLE_ROWS} rows are shown at a time: search to narrow. Blank: unknown (no stock count, no replay). “Served in the replay”: share of units the order policy would have served over the replayed weeks.</p>
</section>`;
}

/** The page script of the per-item part (see report-html.ts for `chart`, `DATA`, `PALETTE`). */
export const DRILL_SCRIPT = `
  var DR = DATA.drill;
  if (DR) {
    var drawn = {};
    function drawDrill(i) {
      if (drawn[i]) return; drawn[i] = true;
      var s = DR.drills[i], h = s.history.length, f = s.mean.length;
      var pad = function (arr, before, after) { return new Array(before).fill(null).concat(arr, new Array(after).fill(null)); };
      var ds = [];
      DATA.levels.slice().sort(function (a, b) { return b - a; }).forEach(function (l, j) {
        var alpha = j === 0 ? 0.18 : 0.32;
        ds.push({ label: l + '% upper', data: pad(s.hi[String(l)] || [], h, 0), borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: 'rgba(217,130,43,' + alpha + ')' });
        ds.push({ label: l + '% interval', data: pad(s.lo[String(l)] || [], h, 0), borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: 'rgba(217,130,43,' + alpha + ')' });
      });
      ds.push({ label: 'sales', data: pad(s.history, 0, f), borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 0, borderWidth: 1.5 });
      ds.push({ label: 'forecast', data: pad(s.mean, h, 0), borderColor: PALETTE[1], backgroundColor: PALETTE[1], pointRadius: 0, borderWidth: 2 });
      chart('c-drill-' + i, { type: 'line', data: { labels: s.labels, datasets: ds },
        options: { plugins: { title: { display: true, text: s.item + ': sales and forecast' }, legend: { labels: { filter: function (it) { return !/upper$/.test(it.text); } } } },
          scales: { y: { beginAtZero: true, title: { display: true, text: 'units per ' + DATA.period.frequency } }, x: { ticks: { maxTicksLimit: 10 } } } } });
      if (s.stock) {
        var labels = s.labels.slice(h, h + s.stock.length);
        var arrive = labels.map(function (_, t) { return t === s.arrival ? s.stock[t] : null; });
        var sets = [{ label: 'projected stock on hand', data: s.stock, borderColor: PALETTE[2], backgroundColor: 'rgba(58,154,91,0.15)', fill: true, pointRadius: 0, borderWidth: 2, stepped: true }];
        if (s.arrival >= 0) sets.push({ label: 'order of ' + s.orderQty + ' arrives', data: arrive, borderColor: PALETTE[3], backgroundColor: PALETTE[3], pointRadius: 6, pointStyle: 'triangle', showLine: false });
        chart('c-stock-' + i, { type: 'line', data: { labels: labels, datasets: sets },
          options: { plugins: { title: { display: true, text: s.item + (s.arrival >= 0 ? ': projected stock with the suggested order' : ': projected stock (no order due)') } },
            scales: { y: { beginAtZero: true, title: { display: true, text: 'units on hand' } }, x: { ticks: { maxTicksLimit: 10 } } } } });
      }
    }
    Array.prototype.forEach.call(document.querySelectorAll('details.drill'), function (el) {
      var i = Number(el.getAttribute('data-i'));
      if (el.open) drawDrill(i);
      el.addEventListener('toggle', function () { if (el.open) drawDrill(i); });
    });
    var body = document.querySelector('#series-table tbody'), search = document.getElementById('series-search'), counter = document.getElementById('series-count');
    var sortCol = -1, sortDir = 1;
    function renderRows() {
      var q = (search.value || '').toLowerCase().trim();
      var rows = DR.rows.filter(function (r) { return !q || r.some(function (c) { return c !== null && String(c).toLowerCase().indexOf(q) >= 0; }); });
      if (sortCol >= 0) rows.sort(function (a, b) {
        var x = a[sortCol], y = b[sortCol];
        if (x === null || x === '') return 1; if (y === null || y === '') return -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sortDir;
      });
      var shown = rows.slice(0, ${TABLE_ROWS});
      body.innerHTML = '';
      shown.forEach(function (r) {
        var tr = document.createElement('tr');
        r.forEach(function (c, j) {
          var td = document.createElement('td');
          td.textContent = c === null ? '' : (typeof c === 'number' ? (j === 9 ? c.toFixed(1) + '%' : c.toLocaleString('en-US', { maximumFractionDigits: 1 })) : String(c));
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      counter.textContent = 'showing ' + shown.length + ' of ' + rows.length + (rows.length < DR.rows.length ? ' matching' : '') + ' series';
    }
    Array.prototype.forEach.call(document.querySelectorAll('#series-table th'), function (th) {
      function sort() {
        var c = Number(th.getAttribute('data-col'));
        sortDir = sortCol === c ? -sortDir : 1; sortCol = c;
        Array.prototype.forEach.call(document.querySelectorAll('#series-table th'), function (o) { o.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
        renderRows();
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
    });
    search.addEventListener('input', renderRows);
    renderRows();
  }
`;

/** Charts drawn when the page opens (the first drill-down is open). */
export function drillChartsAtOpen(d: ReportDrill | null): number {
  const first = d?.drills[0];
  return first ? (first.stock ? 2 : 1) : 0;
}

/** Charts drawn once every drill-down is open. */
export function drillChartsAll(d: ReportDrill | null): number {
  return (d?.drills ?? []).reduce((n, x) => n + (x.stock ? 2 : 1), 0);
}
