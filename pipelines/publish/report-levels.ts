/**
 * The "Totals by store / category" section of report.html: the run's level forecasts
 * (forecasts-levels.csv: the total, stores, categories, ... as asked for with `--levels`) for
 * the next few periods, each with its prediction interval, for whoever plans staffing, budgets
 * or the distribution centre from the same run. The totals add up to the item forecasts.
 *
 * `reportLevels` picks the figures (pure, plain JSON); `levelsSection` renders them.
 */
import { periodLabel, type PeriodGrid } from '../periods.js';
import type { LevelForecast } from '../hierarchy/reconcile.js';
import { escapeHtml, table } from './report-html.js';

/** Periods shown per frequency (a week of days, a month of weeks, a quarter of months). */
export const REPORT_LEVEL_PERIODS: Readonly<Record<PeriodGrid['frequency'], number>> = { day: 7, week: 4, month: 3 };
/** Nodes shown, coarsest levels first; the rest are in forecasts-levels.csv. */
export const REPORT_LEVEL_ROWS = 40;
/** The interval shown when the run publishes it. */
const PREFERRED_INTERVAL = 80;

/** The section's figures. */
export interface ReportLevels {
  readonly frequency: PeriodGrid['frequency'];
  /** Interval level shown, in percent. */
  readonly interval: number;
  /** Labels of the periods shown. */
  readonly periods: string[];
  /** One row per node: level, key, then `forecast (lo–hi)` per period. */
  readonly rows: { readonly level: string; readonly key: string; readonly cells: string[] }[];
  /** Nodes left out of the table (in forecasts-levels.csv). */
  readonly hidden: number;
}

/** Units as a buyer reads them: whole units from 10 on, one decimal below. */
export function units(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return Math.abs(x) >= 10 ? groupedInteger(Math.round(x)) : x.toFixed(1);
}

/**
 * A whole number with thousands separators as `toLocaleString('en-US')` writes it (`-1,234,567`),
 * without building a number formatter per call (hundreds per report); past 2^53 by that formatter.
 */
export function groupedInteger(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/**
 * The section's figures from the published level nodes.
 * @param nodes The published level forecasts (flat level order, coarsest first), from the run's first published period.
 * @param firstPeriod The first published period.
 * @param intervals The run's interval levels (percent).
 * @returns null when there is no node (no levels asked for, or none built).
 */
export function reportLevels(nodes: readonly LevelForecast[], firstPeriod: number, grid: PeriodGrid, intervals: readonly number[]): ReportLevels | null {
  if (nodes.length === 0 || intervals.length === 0) return null;
  const interval = intervals.includes(PREFERRED_INTERVAL) ? PREFERRED_INTERVAL : intervals.reduce((a, b) => Math.min(a, b));
  const n = Math.min(REPORT_LEVEL_PERIODS[grid.frequency], nodes[0].mean.length);
  const periods = Array.from({ length: n }, (_, j) => periodLabel(grid, firstPeriod + j));
  const shown = nodes.slice(0, REPORT_LEVEL_ROWS);
  const rows = shown.map((node) => {
    const lo = node.lo[String(interval)] ?? [];
    const hi = node.hi[String(interval)] ?? [];
    return { level: node.level, key: node.key, cells: periods.map((_, j) => `${units(node.mean[j])} (${units(lo[j])}–${units(hi[j])})`) };
  });
  return { frequency: grid.frequency, interval, periods, rows, hidden: nodes.length - shown.length };
}

/** The section's HTML. */
export function levelsSection(d: ReportLevels): string {
  const note = `Forecast units per ${d.frequency}, with the ${d.interval}% interval in brackets (the range the total should fall in ${d.interval} times out of 100). These totals add up to the item forecasts of forecasts.csv; forecasts-levels.csv has every level for the whole horizon${d.hidden ? `, and the ${d.hidden} total(s) not shown here` : ''}.`;
  const body = table(['level', 'key', ...d.periods], d.rows.map((r) => [r.level, r.key, ...r.cells]));
  return `<section id="levels"><h2>Totals by store / category</h2><p class="note">${escapeHtml(note)}</p>\n${body}\n</section>`;
}
