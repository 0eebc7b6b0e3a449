/**
 * The report's "What to watch" section (issue 16 item 5), after "What to order": the items whose
 * numbers deserve a second look before ordering.
 *
 * - **Low data quality**: a quality score below {@link LOW_QUALITY_SCORE} of 100
 *   (pipelines/prepare/quality.ts: missing days, rejected rows, suspected stockouts, outliers…);
 * - **stale data**: no sale for {@link STALE_DAYS} days or more up to the run date (counted in
 *   the run's periods for weekly and monthly data: 4 weeks, 1 month);
 * - **forecast changed** by more than {@link CHANGE_SHARE} since the previous run
 *   (pipelines/publish/previous-run.ts): the forecast's sum over the first periods both runs
 *   publish (up to 28 days, 4 weeks or 1 month), when it moved by at least one unit, with the
 *   reasons found: new sales data (the input changed), a model change, a cleaning change (the
 *   series' cleaning actions changed), a lead-time change (orders.csv); "no reason found" when
 *   none of these changed (then a setting did).
 *
 * Each list shows the first {@link WATCH_LINES} items (worst first); the rest are counted, and the
 * full series table at the end of the report marks every watched item.
 */
import type { Frequency } from '../periods.js';
import type { SeriesQuality } from '../types.js';
import type { RunFigures } from './previous-run.js';
import { escapeHtml, table } from './report-html.js';

/** Score (of 100) under which an item's data quality is called low. */
export const LOW_QUALITY_SCORE = 70;
/** Days without a sale from which an item's data is called stale. */
export const STALE_DAYS = 28;
/** Relative change of the forecast since the previous run that puts an item on the list. */
export const CHANGE_SHARE = 0.25;
/** Items listed per kind; the rest are counted. */
export const WATCH_LINES = 15;

/** One watched item. Keys `store\u0000sku`. */
export interface WatchItem {
  readonly key: string;
  readonly item: string;
  /** Why, in words. */
  readonly why: string;
}

/** The section's figures (plain JSON). */
export interface ReportWatch {
  readonly lowQuality: { readonly items: WatchItem[]; readonly total: number };
  readonly stale: { readonly items: WatchItem[]; readonly total: number };
  /** null when there is no previous run to compare with (the note says why). */
  readonly changed: { readonly items: (WatchItem & { readonly before: number; readonly after: number })[]; readonly total: number; readonly previousRunId: string; readonly periods: number } | null;
  readonly note: string | null;
  /** Every watched key (the series table marks them). */
  readonly keys: string[];
}

/** What the current run gives the comparison (maps keyed `store\u0000sku`). */
export type CurrentFigures = Omit<RunFigures, 'runDate'>;

const itemName = (key: string) => {
  const [store, sku] = key.split('\u0000');
  return store ? `${store} / ${sku}` : sku;
};
const round1 = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
const unitWord = (f: Frequency) => (f === 'day' ? 'days' : f === 'week' ? 'weeks' : 'months');

/** Periods compared and the staleness limit in the run's periods. */
export function watchPeriods(frequency: Frequency): { compare: number; stale: number } {
  return frequency === 'day' ? { compare: 28, stale: STALE_DAYS } : frequency === 'week' ? { compare: 4, stale: 4 } : { compare: 1, stale: 1 };
}

function qualityLists(quality: readonly SeriesQuality[], frequency: Frequency): Pick<ReportWatch, 'lowQuality' | 'stale'> {
  const key = (q: SeriesQuality) => `${q.store}\u0000${q.sku}`;
  const low = quality.filter((q) => q.score < LOW_QUALITY_SCORE).sort((a, b) => a.score - b.score);
  const limit = watchPeriods(frequency).stale;
  const stale = quality.filter((q) => q.stalenessDays >= limit).sort((a, b) => b.stalenessDays - a.stalenessDays);
  const lowWhy = (q: SeriesQuality) => {
    const parts = [`quality score ${q.score.toFixed(1)} of 100`];
    if (q.completeness < 0.95) parts.push(`${Math.round(100 * (1 - q.completeness))}% of ${unitWord(frequency)} missing`);
    if (q.stockoutDays > 0) parts.push(`${q.stockoutDays} ${unitWord(frequency)} of suspected stockouts`);
    if (q.outlierDays > 0) parts.push(`${q.outlierDays} unusual ${unitWord(frequency)}`);
    if (q.rejectedRows > 0) parts.push(`${q.rejectedRows} rejected rows`);
    return parts.join(', ');
  };
  return {
    lowQuality: { items: low.slice(0, WATCH_LINES).map((q) => ({ key: key(q), item: itemName(key(q)), why: lowWhy(q) })), total: low.length },
    stale: { items: stale.slice(0, WATCH_LINES).map((q) => ({ key: key(q), item: itemName(key(q)), why: `no sale for ${q.stalenessDays} ${unitWord(frequency)} (last sale ${q.lastSale || 'never'})` })), total: stale.length },
  };
}

/** Why a series' forecast changed between two runs, in words. */
export function changeReasons(key: string, prev: RunFigures, cur: CurrentFigures): string[] {
  const out: string[] = [];
  if (prev.inputSha256 !== cur.inputSha256) out.push('new sales data');
  const m0 = prev.models.get(key);
  const m1 = cur.models.get(key);
  if (m0 !== undefined && m1 !== undefined && m0 !== m1) out.push(`model changed (${m0} → ${m1})`);
  if ((prev.cleaning.get(key) ?? 0) !== (cur.cleaning.get(key) ?? 0)) out.push('cleaning changed');
  const l0 = prev.leadTimes.get(key);
  const l1 = cur.leadTimes.get(key);
  if (l0 !== undefined && l1 !== undefined && l0 !== l1) out.push(`lead time changed (${l0} → ${l1} days)`);
  return out.length ? out : ['no reason found in the data, model, cleaning or lead time (a setting changed)'];
}

function changedList(prev: RunFigures | null, cur: CurrentFigures): { changed: ReportWatch['changed']; note: string | null } {
  if (!prev) return { changed: null, note: 'There is no earlier run in this output directory to compare the forecasts with.' };
  if (prev.frequency !== cur.frequency) return { changed: null, note: `The previous run (${prev.runId}) forecast ${prev.frequency}s, this one ${cur.frequency}s: forecasts not compared.` };
  const rows: (WatchItem & { before: number; after: number; share: number })[] = [];
  for (const [key, after] of cur.totals) {
    const before = prev.totals.get(key);
    if (before === undefined) continue;
    const diff = after - before;
    if (Math.abs(diff) < 1 || Math.abs(diff) <= CHANGE_SHARE * before) continue;
    const share = before > 0 ? diff / before : Infinity;
    const moved = before > 0 ? `${diff > 0 ? '+' : '−'}${Math.round(100 * Math.abs(share))}%` : 'from none';
    rows.push({ key, item: itemName(key), before, after, share, why: `${round1(before)} → ${round1(after)} units (${moved}): ${changeReasons(key, prev, cur).join('; ')}` });
  }
  rows.sort((a, b) => Math.abs(b.share) - Math.abs(a.share) || Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || (a.key < b.key ? -1 : 1));
  return {
    changed: { items: rows.slice(0, WATCH_LINES).map(({ share: _s, ...r }) => r), total: rows.length, previousRunId: prev.runId, periods: cur.periods },
    note: null,
  };
}

/**
 * The section's figures.
 * @param quality The run's quality profiles.
 * @param frequency The run's period.
 * @param previous The previous run's figures (null when none).
 * @param current The current run's figures (same periods summed as `previous`).
 */
export function reportWatch(quality: readonly SeriesQuality[], frequency: Frequency, previous: RunFigures | null, current: CurrentFigures): ReportWatch {
  const q = qualityLists(quality, frequency);
  const { changed, note } = changedList(previous, current);
  const keys = new Set<string>();
  for (const s of quality) {
    if (s.score < LOW_QUALITY_SCORE || s.stalenessDays >= watchPeriods(frequency).stale) keys.add(`${s.store}\u0000${s.sku}`);
  }
  if (changed && previous) {
    for (const [key, after] of current.totals) {
      const before = previous.totals.get(key);
      if (before !== undefined && Math.abs(after - before) >= 1 && Math.abs(after - before) > CHANGE_SHARE * before) keys.add(key);
    }
  }
  return { ...q, changed, note, keys: [...keys].sort() };
}

function list(title: string, intro: string, items: readonly WatchItem[], total: number): string {
  if (total === 0) return `<h3>${escapeHtml(title)}</h3><p class="note">None.</p>`;
  const more = total > items.length ? `<p class="note">and ${total - items.length} more (marked “watch” in the full list below).</p>` : '';
  return `<h3>${escapeHtml(title)} (${total})</h3><p class="note">${escapeHtml(intro)}</p>${table(['item', 'why'], items.map((i) => [i.item, i.why])).replace('<table>', '<table class="watch">')}${more}`;
}

/** The section's HTML. */
export function watchSection(w: ReportWatch, frequency: Frequency): string {
  const p = watchPeriods(frequency);
  const parts = ['<section id="watch"><h2>What to watch</h2>'];
  const n = w.lowQuality.total + w.stale.total + (w.changed?.total ?? 0);
  parts.push(`<p>${n === 0 ? 'Nothing stands out: no item has poor or stale data, and no forecast moved by more than 25% since the previous run.' : 'Check these items before trusting their order: their data is poor or old, or their forecast moved a lot since the previous run.'}</p>`);
  parts.push(list('Low data quality', `Quality score below ${LOW_QUALITY_SCORE} of 100 (gaps, rejected rows, suspected stockouts, unusual sales): the forecast rests on weaker evidence.`, w.lowQuality.items, w.lowQuality.total));
  parts.push(list('Stale data', `No sale for ${p.stale} ${unitWord(frequency)} or more: the item may be discontinued, out of stock or missing from the export.`, w.stale.items, w.stale.total));
  if (w.changed) {
    parts.push(list('Forecast changed since the previous run', `Forecast for the first ${p.compare} ${unitWord(frequency)} moved by more than 25% (and at least 1 unit) since run ${w.changed.previousRunId}, with the reason found.`, w.changed.items, w.changed.total));
  } else if (w.note) {
    parts.push(`<h3>Forecast changed since the previous run</h3><p class="note">${escapeHtml(w.note)}</p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}
