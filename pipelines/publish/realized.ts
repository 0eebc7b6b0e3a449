/**
 * Realized accuracy: when a new input holds actual sales for days an earlier run forecast, score
 * that earlier forecast (per series and overall, with interval coverage) and relate the error to
 * the earlier run's data-quality scores.
 *
 * Which days count: forecast days d with an actual, i.e. d inside the new series' range and,
 * for a daily-totals input, a row on that day (`observed`); in a transaction input a day without
 * lines is a day without sales (0 units). Actuals are the demand as ingested (returns excluded,
 * before any cleaning: a forecast is judged against what was recorded, not against repaired
 * data).
 *
 * Measures (pipelines/forecast/metrics.ts): per series RMSSE with the M5 scale computed on the new
 * series' history up to the earlier run's last day (the scale the earlier run would have used),
 * MAE and the pooled bias; overall: mean RMSSE over series with a defined scale, MAE and bias
 * pooled over points, and per level the share of points inside [lo, hi] (nominal coverage is the
 * level; Gneiting & Raftery 2007, JASA 102(477), §6).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { maxOf, mean, minOf, spearman } from '../stats.js';
import { formatDay, parseIsoDay } from '../dates.js';
import { rmsseScale } from '../forecast/metrics.js';
import { historyPath, readHistory, type RealizedRecord, type RunRecord } from './run-history.js';
import type { InputKind, SeriesData } from '../types.js';

/** One published forecast day of one series. */
export interface ForecastPoint {
  readonly store: string;
  readonly sku: string;
  readonly day: number;
  readonly forecast: number;
  /** Bounds per level, same order as the file's levels. */
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

/** A parsed forecasts.csv. */
export interface ForecastFile {
  /** Interval levels (percent), from the `lo_<level>` columns. */
  readonly levels: number[];
  readonly points: ForecastPoint[];
}

/**
 * Parse forecasts.csv (`store,sku,date,forecast,lo_80,hi_80,...,model`).
 * @throws when a required column is missing, or a date or number does not parse.
 */
export function parseForecastsCsv(text: string, source = 'forecasts.csv'): ForecastFile {
  const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  if (rows.length === 0) throw new Error(`parseForecastsCsv needs a header in ${source}, got an empty file`);
  const header = rows[0].map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`parseForecastsCsv needs a "${name}" column in ${source}; header: ${header.join(',')}`);
    return i;
  };
  const [cs, ck, cd, cf] = [col('store'), col('sku'), col('date'), col('forecast')];
  const levels = header.filter((h) => /^lo_\d+(\.\d+)?$/.test(h)).map((h) => Number(h.slice(3)));
  const lo = levels.map((l) => col(`lo_${l}`));
  const hi = levels.map((l) => col(`hi_${l}`));
  const num = (v: string | undefined, line: number, what: string) => {
    const x = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(x)) throw new Error(`parseForecastsCsv: bad ${what} "${v}" on line ${line} of ${source}`);
    return x;
  };
  const points: ForecastPoint[] = [];
  for (let r = 1; r < rows.length; r++) {
    const f = rows[r];
    const day = parseIsoDay((f[cd] ?? '').trim());
    if (Number.isNaN(day)) throw new Error(`parseForecastsCsv: bad date "${f[cd]}" on line ${r + 1} of ${source}`);
    points.push({
      store: f[cs] ?? '',
      sku: f[ck] ?? '',
      day,
      forecast: num(f[cf], r + 1, 'forecast'),
      lo: lo.map((c) => num(f[c], r + 1, header[c])),
      hi: hi.map((c) => num(f[c], r + 1, header[c])),
    });
  }
  return { levels, points };
}

/** Realized accuracy of one series. */
export interface RealizedSeries {
  readonly store: string;
  readonly sku: string;
  /** Forecast days with an actual. */
  readonly days: number;
  /** NaN when the history's RMSSE scale is 0 or undefined. */
  readonly rmsse: number;
  readonly mae: number;
  /** Σ(forecast - actual) / Σ actual; NaN when nothing was sold. */
  readonly bias: number;
  /** Share of days inside each level's interval, same order as the levels. */
  readonly coverage: readonly number[];
  /** The earlier run's quality score of this series, when known. */
  readonly qualityScore: number | null;
}

/** Realized accuracy of a whole earlier forecast. */
export interface RealizedResult {
  readonly levels: number[];
  /** First and last forecast day scored (day numbers; NaN when none). */
  readonly from: number;
  readonly to: number;
  /** Distinct forecast days with at least one actual. */
  readonly days: number;
  readonly series: RealizedSeries[];
  readonly overall: {
    readonly series: number;
    readonly points: number;
    /** Mean RMSSE over series with a defined scale; null when none. */
    readonly rmsse: number | null;
    readonly mae: number;
    readonly bias: number | null;
    /** Pooled share of points inside each level's interval. */
    readonly coverage: readonly number[];
  };
  /** Spearman's rho between the earlier quality score and the realized RMSSE, per series. */
  readonly qualitySpearman: number | null;
}

/**
 * Score an earlier forecast against actual sales.
 *
 * @param forecast The earlier run's forecasts.csv, parsed.
 * @param actuals The new input's series (as ingested, before cleaning).
 * @param options `origin`: the earlier run's last history day (its forecasts start the day
 *   after); `kind`: the new input's layout (which days count, module comment); `quality`: the
 *   earlier run's per-series quality scores, for the quality relation.
 * @returns per-series and overall figures; series without any actual day are left out.
 * @throws when `origin` is not an integer day number.
 */
export function scoreRealized(
  forecast: ForecastFile,
  actuals: readonly SeriesData[],
  options: { origin: number; kind: InputKind; quality?: readonly { store: string; sku: string; score: number }[] },
): RealizedResult {
  const { origin, kind } = options;
  if (!Number.isInteger(origin)) throw new Error(`scoreRealized needs an integer origin day, got ${origin}`);
  const L = forecast.levels.length;
  const byKey = new Map<string, SeriesData>();
  for (const s of actuals) byKey.set(seriesKey(s), s);
  const qual = new Map<string, number>();
  for (const q of options.quality ?? []) qual.set(seriesKey(q), q.score);
  const series: RealizedSeries[] = [];
  const daysSeen = new Set<number>();
  const total = { n: 0, abs: 0, err: 0, act: 0, cov: new Array<number>(L).fill(0) };
  for (const [k, pts] of pointsBySeries(forecast.points)) {
    const s = byKey.get(k);
    if (!s) continue;
    const sums = sumErrors(s, pts, { origin, kind, levels: L, daysSeen });
    if (sums.n === 0) continue;
    series.push(seriesScore(s, sums, origin, qual.get(k) ?? null));
    total.n += sums.n;
    total.abs += sums.abs;
    total.err += sums.err;
    total.act += sums.act;
    for (let j = 0; j < L; j++) total.cov[j] += sums.cov[j];
  }
  const scored = series.filter((r) => Number.isFinite(r.rmsse));
  const withQ = scored.filter((r) => r.qualityScore !== null);
  const rho = withQ.length >= 3 ? spearman(withQ.map((r) => r.qualityScore as number), withQ.map((r) => r.rmsse)).rho : null;
  const days = [...daysSeen];
  const points = total.n;
  return {
    levels: [...forecast.levels],
    from: days.length ? minOf(days) : NaN,
    to: days.length ? maxOf(days) : NaN,
    days: days.length,
    series,
    overall: {
      series: series.length,
      points,
      rmsse: scored.length ? mean(scored.map((r) => r.rmsse)) : null,
      mae: points ? total.abs / points : 0,
      bias: total.act > 0 ? total.err / total.act : null,
      coverage: total.cov.map((c) => (points ? c / points : 0)),
    },
    qualitySpearman: rho,
  };
}

function seriesKey(s: { store: string; sku: string }): string {
  return `${s.store}\u0000${s.sku}`;
}

/** Forecast points grouped by series, in file order. */
function pointsBySeries(points: readonly ForecastPoint[]): Map<string, ForecastPoint[]> {
  const groups = new Map<string, ForecastPoint[]>();
  for (const p of points) {
    const k = seriesKey(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return groups;
}

/** Error sums of one series over its scored days (module comment: which days count). */
interface ErrorSums {
  n: number;
  sq: number;
  abs: number;
  err: number;
  act: number;
  /** Points inside the interval, per level. */
  cov: number[];
}

/** Sum one series' errors over the forecast days after `origin` that have an actual; the days scored go into `daysSeen`. */
function sumErrors(s: SeriesData, pts: readonly ForecastPoint[], o: { origin: number; kind: InputKind; levels: number; daysSeen: Set<number> }): ErrorSums {
  const last = s.start + s.demand.length - 1;
  const sums: ErrorSums = { n: 0, sq: 0, abs: 0, err: 0, act: 0, cov: new Array<number>(o.levels).fill(0) };
  for (const p of pts) {
    if (p.day <= o.origin || p.day < s.start || p.day > last) continue;
    const t = p.day - s.start;
    if (o.kind === 'daily' && !s.observed[t]) continue;
    const a = s.demand[t];
    const e = p.forecast - a;
    sums.n++;
    sums.sq += e * e;
    sums.abs += Math.abs(e);
    sums.err += e;
    sums.act += a;
    for (let j = 0; j < o.levels; j++) if (a >= p.lo[j] && a <= p.hi[j]) sums.cov[j]++;
    o.daysSeen.add(p.day);
  }
  return sums;
}

/** One series' scores: RMSSE on the M5 scale of its history up to the origin, MAE, bias, coverage. */
function seriesScore(s: SeriesData, sums: ErrorSums, origin: number, qualityScore: number | null): RealizedSeries {
  const { n } = sums;
  const last = s.start + s.demand.length - 1;
  const histEnd = Math.min(origin, last) - s.start;
  const scale = histEnd >= 1 ? rmsseScale(s.demand.subarray(0, histEnd + 1)) : NaN;
  return {
    store: s.store,
    sku: s.sku,
    days: n,
    rmsse: scale > 0 ? Math.sqrt(sums.sq / n / scale) : NaN,
    mae: sums.abs / n,
    bias: sums.act > 0 ? sums.err / sums.act : NaN,
    coverage: sums.cov.map((c) => c / n),
    qualityScore,
  };
}

/** Parse a run's quality.csv into (store, sku, score). @throws when a column is missing. */
export function parseQualityScores(text: string, source = 'quality.csv'): { store: string; sku: string; score: number }[] {
  const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  if (rows.length === 0) return [];
  const h = rows[0].map((x) => x.trim());
  const [cs, ck, cq] = ['store', 'sku', 'score'].map((n) => h.indexOf(n));
  if (cs < 0 || ck < 0 || cq < 0) throw new Error(`parseQualityScores needs store, sku and score columns in ${source}; header: ${h.join(',')}`);
  return rows.slice(1).map((r) => ({ store: r[cs] ?? '', sku: r[ck] ?? '', score: Number(r[cq]) })).filter((r) => Number.isFinite(r.score));
}

/** The history record of a realized scoring. */
export function realizedRecord(run: Pick<RunRecord, 'runId' | 'quality'>, result: RealizedResult, scoredBy: string, recordedAt: string): RealizedRecord {
  const coverage: Record<string, number> = {};
  result.levels.forEach((l, j) => (coverage[String(l)] = round(result.overall.coverage[j], 4)));
  return {
    type: 'realized',
    v: 1,
    runId: run.runId,
    scoredBy,
    recordedAt,
    from: formatDay(result.from),
    to: formatDay(result.to),
    days: result.days,
    series: result.overall.series,
    points: result.overall.points,
    rmsse: result.overall.rmsse === null ? null : round(result.overall.rmsse, 4),
    mae: round(result.overall.mae, 4),
    bias: result.overall.bias === null ? null : round(result.overall.bias, 4),
    coverage,
    qualityScore: run.quality.meanScore,
    qualitySpearman: result.qualitySpearman === null ? null : round(result.qualitySpearman, 4),
  };
}

function round(x: number, d: number): number {
  return Number(x.toFixed(d));
}

/**
 * Score every earlier run in the history whose forecast days the new input now covers further
 * than any earlier scoring of it did. Reads `OUT/history/runs.jsonl`, each run's forecasts.csv
 * and quality.csv; writes nothing (append the returned records with `appendHistory`).
 *
 * @param outDir The output directory holding `history/` and `runs/`.
 * @param actuals The new input's series, as ingested (before cleaning).
 * @param options `kind`: the new input's layout; `scoredBy`: the new run's id; `recordedAt`: ISO
 *   timestamp for the records; `skipRunId`: the new run itself.
 * @returns one record per earlier run scored (runs whose directory is gone are skipped).
 */
export async function scoreEarlierRuns(
  outDir: string,
  actuals: readonly SeriesData[],
  options: { kind: InputKind; scoredBy: string; recordedAt: string; skipRunId?: string },
): Promise<{ records: RealizedRecord[]; results: Map<string, RealizedResult> }> {
  const history = await readHistory(historyPath(outDir));
  const widest = new Map<string, number>();
  for (const z of history.realized) widest.set(z.runId, Math.max(widest.get(z.runId) ?? -Infinity, parseIsoDay(z.to)));
  let newest = -Infinity;
  for (const s of actuals) newest = Math.max(newest, s.start + s.demand.length - 1);
  const records: RealizedRecord[] = [];
  const results = new Map<string, RealizedResult>();
  const seen = new Set<string>();
  for (const run of [...history.runs].reverse()) {
    if (seen.has(run.runId) || run.runId === options.skipRunId || !run.forecast || run.forecast.frequency) continue;
    seen.add(run.runId);
    const first = parseIsoDay(run.forecast.firstDate);
    if (!(newest >= first)) continue;
    const done = widest.get(run.runId) ?? -Infinity;
    if (done >= Math.min(newest, parseIsoDay(run.forecast.lastDate))) continue;
    const dir = join(outDir, run.runDir);
    let fcText: string;
    try {
      fcText = await readFile(join(dir, 'forecasts.csv'), 'utf8');
    } catch {
      continue;
    }
    let quality: { store: string; sku: string; score: number }[] = [];
    try {
      quality = parseQualityScores(await readFile(join(dir, 'quality.csv'), 'utf8'));
    } catch {
      quality = [];
    }
    const result = scoreRealized(parseForecastsCsv(fcText, join(dir, 'forecasts.csv')), actuals, { origin: first - 1, kind: options.kind, quality });
    if (result.days === 0 || !(result.to > done)) continue;
    results.set(run.runId, result);
    records.push(realizedRecord(run, result, options.scoredBy, options.recordedAt));
  }
  return { records, results };
}
