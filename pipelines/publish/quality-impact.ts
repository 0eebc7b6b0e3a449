/**
 * How data quality relates to forecast accuracy within one run: per series, the quality profile
 * joined with the backtest error of the chosen forecast.
 *
 * Three views, all on the series that have both a quality profile and a finite backtest RMSSE:
 *
 * - **Spearman's rank correlation** between the 0-100 quality score and the RMSSE (ties get
 *   midranks). A negative rho means better quality goes with lower error.
 * - **Error by quality band**: series in quintiles of the score's midrank (tied scores share a
 *   band, so bands may differ in size), with mean and median RMSSE per band; band 1 is the lowest
 *   quality.
 * - **Defect cost**: an ordinary least-squares regression (ml-regression's
 *   MultivariateLinearRegression) of RMSSE on the individual defect rates, controlling for the
 *   demand class (indicator columns, the most common class as reference) and volume
 *   (log(1 + mean daily units)). A defect's cost is its coefficient times its mean rate in the
 *   run: the RMSSE the average series loses to that defect, ceteris paribus; defects are ranked
 *   by that cost. Defect columns constant over the run (e.g. no duplicates anywhere) are left out
 *   and listed in `dropped`. Observational, not causal: the defect-injection experiment
 *   (experiments/experiment.ts) measures causal effects.
 *
 * Defect rates, each 0 for a perfect series: `missing` = 1 - completeness, `invalid` =
 * 1 - validity, and per day of history: `duplicates`, `returns`, `outliers`, `stockouts`,
 * `staleness` (days since the last sale), `zero_price` rows.
 *
 * Sources: Spearman (1904); OLS standard errors and t statistics as in Greene, *Econometric
 * Analysis* (7th ed.), §4.5; R² and adjusted R² ibid. §3.5.
 */
import { MultivariateLinearRegression } from 'ml-regression';
import { csvLine, headerLine, numberCell, optionalNumberCell, textCell } from '../io/csv-format.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';
import { maxOf, mean, median, midranks, minOf, sampleSd, spearman } from '../stats.js';
import type { SeriesQuality } from '../types.js';

/** What the analysis needs from a series' forecast. */
export interface ImpactForecastInput {
  readonly store: string;
  readonly sku: string;
  /** Backtest RMSSE of the chosen forecast; null or NaN when the series was not scored. */
  readonly rmsse: number | null;
  /** Demand class (smooth, erratic, intermittent, lumpy, none). */
  readonly demandClass: string;
  /** Mean daily units over the history (the volume control). */
  readonly volume: number;
}

/** Names of the defect dimensions, in column order. */
export const DEFECTS = ['missing', 'invalid', 'duplicates', 'returns', 'outliers', 'stockouts', 'staleness', 'zero_price'] as const;
/** A defect dimension. */
export type DefectName = (typeof DEFECTS)[number];

/** One row of quality-impact.csv. */
export interface ImpactRow {
  readonly store: string;
  readonly sku: string;
  readonly score: number;
  /** Quality quintile, 1 (worst) to 5 (best). */
  readonly band: number;
  readonly rmsse: number;
  readonly demandClass: string;
  readonly volume: number;
  /** Defect rates, 0 = none. */
  readonly defects: Readonly<Record<DefectName, number>>;
}

/** One quality band. */
export interface ImpactBand {
  readonly band: number;
  readonly series: number;
  readonly minScore: number;
  readonly maxScore: number;
  readonly meanRmsse: number;
  readonly medianRmsse: number;
}

/** One regression term. */
export interface ImpactCoefficient {
  readonly term: string;
  readonly estimate: number;
  readonly stdError: number;
  readonly t: number;
}

/** The cost of one defect. */
export interface DefectCost {
  readonly defect: DefectName;
  /** RMSSE per unit of defect rate. */
  readonly coefficient: number;
  readonly t: number;
  /** Mean defect rate over the run's series. */
  readonly meanRate: number;
  /** coefficient × mean rate: RMSSE the average series loses to this defect. */
  readonly costRmsse: number;
  /** coefficient × standard deviation of the rate: RMSSE change for one SD more of the defect. */
  readonly perSdRmsse: number;
}

/** The summary for run.json. */
export interface ImpactSummary {
  /** Series with both a quality profile and a finite backtest RMSSE. */
  readonly series: number;
  /** Spearman's rho between score and RMSSE; null with fewer than 3 series or no variation. */
  readonly spearman: number | null;
  /** Two-sided p-value of rho (normal approximation z = rho·sqrt(n-1)); null with rho. */
  readonly spearmanP: number | null;
  readonly bands: ImpactBand[];
  /** Null when there are too few series for the terms (needs more series than terms + 1). */
  readonly regression: null | {
    readonly observations: number;
    readonly r2: number;
    readonly adjustedR2: number;
    readonly residualSe: number;
    readonly coefficients: ImpactCoefficient[];
    /** Defect columns left out (constant in this run). */
    readonly dropped: DefectName[];
  };
  /** Defects ranked by cost, highest first (empty without a regression). */
  readonly defectCost: DefectCost[];
  /** The defect with the largest positive cost, when any. */
  readonly topDefect: DefectName | null;
  /** Why a part is missing. */
  readonly notes: string[];
}

/** Rows and summary. */
export interface ImpactResult {
  readonly rows: ImpactRow[];
  readonly summary: ImpactSummary;
}

/**
 * The analysis inputs of a run's forecasts: backtest RMSSE and class from each forecast, volume
 * = mean daily demand from the first sale to the end of the series (`volumes`, from
 * pipelines/publish/series-digest.ts, when given; else the mean of the point forecast).
 */
export function impactInputs(forecasts: readonly SeriesForecast[], volumes?: Readonly<Record<string, number>>): ImpactForecastInput[] {
  return forecasts.map((f) => {
    let v = volumes?.[`${f.store}\u0000${f.sku}`];
    if (v === undefined) v = f.mean.length ? mean(f.mean) : 0;
    return { store: f.store, sku: f.sku, rmsse: f.accuracy.rmsse, demandClass: f.demandClass, volume: v };
  });
}

/**
 * {@link analyseImpactOf} on a run's forecasts (the volume control from `volumes` when given).
 * @param quality Quality profiles of the run's series.
 * @param forecasts The run's forecasts (backtest RMSSE, class).
 * @param volumes Mean daily demand per series key (`SeriesDigest.volume`), for the volume control.
 */
export function analyseImpact(quality: readonly SeriesQuality[], forecasts: readonly SeriesForecast[], volumes?: Readonly<Record<string, number>>): ImpactResult {
  return analyseImpactOf(quality, impactInputs(forecasts, volumes));
}

/** Defect rates of a quality profile (module comment). */
export function defectRates(q: SeriesQuality): Record<DefectName, number> {
  const d = Math.max(1, q.historyDays);
  return {
    missing: 1 - q.completeness,
    invalid: 1 - q.validity,
    duplicates: q.duplicateRows / d,
    returns: q.returnRows / d,
    outliers: q.outlierDays / d,
    stockouts: q.stockoutDays / d,
    staleness: q.stalenessDays / d,
    zero_price: q.zeroPriceRows / d,
  };
}

/**
 * Quality quintile of each score: band = 1 + floor(5 · (midrank - 1) / n), so tied scores share a
 * band and band 1 holds the lowest scores.
 */
export function qualityBands(scores: readonly number[]): number[] {
  const n = scores.length;
  return midranks(scores).map((r) => Math.min(5, 1 + Math.floor((5 * (r - 1)) / n)));
}

/**
 * Join quality profiles with forecast errors and compute the three views of the module comment.
 *
 * @param quality Quality profiles of the run's series.
 * @param forecasts Backtest error, demand class and volume per series (matched on store and sku).
 * @returns one row per joined series (quality-impact.csv) and the summary (run.json).
 * @throws when a quality profile has a score outside [0, 100].
 */
export function analyseImpactOf(quality: readonly SeriesQuality[], forecasts: readonly ImpactForecastInput[]): ImpactResult {
  const joined = joinScored(quality, forecasts);
  const notes: string[] = [];
  const n = joined.length;
  const scores = joined.map((j) => j.q.score);
  const errors = joined.map((j) => j.rmsse);
  const bandOf = qualityBands(scores);
  const rows: ImpactRow[] = joined.map((j, i) => ({
    store: j.q.store,
    sku: j.q.sku,
    score: j.q.score,
    band: bandOf[i],
    rmsse: j.rmsse,
    demandClass: j.f.demandClass,
    volume: j.f.volume,
    defects: defectRates(j.q),
  }));

  const { rho, p } = spearman(scores, errors);
  if (rho === null) notes.push(n < 3 ? `Spearman needs at least 3 scored series, got ${n}` : 'Spearman undefined: the score or the error is constant');
  const bands = bandSummaries(rows);
  const { regression, defectCost } = regressDefects(rows, notes);
  const top = defectCost.find((d) => d.costRmsse > 0 && Number.isFinite(d.costRmsse));
  return {
    rows,
    summary: { series: n, spearman: rho, spearmanP: p, bands, regression, defectCost, topDefect: top ? top.defect : null, notes },
  };
}

/** The series with both a quality profile and a finite backtest RMSSE. @throws for a score outside [0, 100] */
function joinScored(quality: readonly SeriesQuality[], forecasts: readonly ImpactForecastInput[]): { q: SeriesQuality; f: ImpactForecastInput; rmsse: number }[] {
  const byKey = new Map<string, ImpactForecastInput>();
  for (const f of forecasts) byKey.set(`${f.store}\u0000${f.sku}`, f);
  const joined: { q: SeriesQuality; f: ImpactForecastInput; rmsse: number }[] = [];
  for (const q of quality) {
    if (!(q.score >= 0 && q.score <= 100)) throw new Error(`analyseImpactOf needs quality scores in [0, 100], got ${q.score} for ${q.store}/${q.sku}`);
    const f = byKey.get(`${q.store}\u0000${q.sku}`);
    if (!f || f.rmsse === null || !Number.isFinite(f.rmsse)) continue;
    joined.push({ q, f, rmsse: f.rmsse });
  }
  return joined;
}

/** Mean and median RMSSE per quality band (module comment), bands without a series left out. */
function bandSummaries(rows: readonly ImpactRow[]): ImpactBand[] {
  const bands: ImpactBand[] = [];
  for (let b = 1; b <= 5; b++) {
    const inBand = rows.filter((r) => r.band === b);
    if (inBand.length === 0) continue;
    const s = inBand.map((r) => r.score);
    const e = inBand.map((r) => r.rmsse);
    bands.push({ band: b, series: inBand.length, minScore: minOf(s), maxScore: maxOf(s), meanRmsse: mean(e), medianRmsse: median(e) });
  }
  return bands;
}

/**
 * The defect-cost regression (module comment): RMSSE on the defect rates that vary, demand-class
 * indicators (the most common class as reference) and log volume, with an intercept; each kept
 * defect's cost. Why it could not be fitted goes to `notes`.
 */
function regressDefects(rows: readonly ImpactRow[], notes: string[]): { regression: ImpactSummary['regression']; defectCost: DefectCost[] } {
  const n = rows.length;
  const errors = rows.map((r) => r.rmsse);
  const kept = DEFECTS.filter((d) => n > 1 && sampleSd(rows.map((r) => r.defects[d])) > 1e-12);
  const dropped = DEFECTS.filter((d) => !kept.includes(d));
  const dummies = classesByCount(rows).slice(1);
  const terms = [...kept, ...dummies.map((c) => `class:${c}`), 'log_volume'];
  if (kept.length === 0) {
    notes.push('no defect varies across series: no regression');
    return { regression: null, defectCost: [] };
  }
  if (n <= terms.length + 1) {
    notes.push(`regression needs more than ${terms.length + 1} scored series for ${terms.length} terms, got ${n}`);
    return { regression: null, defectCost: [] };
  }
  const X = rows.map((r) => [...kept.map((d) => r.defects[d]), ...dummies.map((c) => (r.demandClass === c ? 1 : 0)), Math.log1p(Math.max(0, r.volume))]);
  const Y = errors.map((e) => [e]);
  const model = new MultivariateLinearRegression(X, Y, { intercept: true, statistics: true });
  const w = model.weights.map((row) => row[0]);
  const names = [...terms, '(intercept)'];
  const coefficients = names.map((term, i) => ({ term, estimate: w[i], stdError: model.stdErrors[i], t: model.tStats[i] }));
  const my = mean(errors);
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    let fit = w[terms.length];
    for (let j = 0; j < terms.length; j++) fit += w[j] * X[i][j];
    ssr += (errors[i] - fit) ** 2;
    sst += (errors[i] - my) ** 2;
  }
  const k = terms.length;
  const r2 = sst > 0 ? 1 - ssr / sst : 0;
  const regression = {
    observations: n,
    r2,
    adjustedR2: 1 - ((1 - r2) * (n - 1)) / (n - k - 1),
    residualSe: Math.sqrt(ssr / (n - k - 1)),
    coefficients,
    dropped,
  };
  if (coefficients.some((c) => !Number.isFinite(c.estimate))) notes.push('regression is singular: some coefficients are not finite');
  const defectCost = kept
    .map((d, j) => {
      const rates = rows.map((r) => r.defects[d]);
      const meanRate = mean(rates);
      return { defect: d, coefficient: w[j], t: model.tStats[j], meanRate, costRmsse: w[j] * meanRate, perSdRmsse: w[j] * sampleSd(rates) };
    })
    .sort((a, b) => b.costRmsse - a.costRmsse);
  return { regression, defectCost };
}

/** Demand classes of the rows, the most common first (ties by name). */
function classesByCount(rows: readonly ImpactRow[]): string[] {
  const classCounts = new Map<string, number>();
  for (const r of rows) classCounts.set(r.demandClass, (classCounts.get(r.demandClass) ?? 0) + 1);
  return [...classCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
}

/** Columns of quality-impact.csv. */
export const IMPACT_COLUMNS = ['store', 'sku', 'score', 'band', 'rmsse', 'class', 'volume', ...DEFECTS.map((d) => `${d}_rate`)] as const;

/** quality-impact.csv text: header and one line per joined series. */
export function impactCsv(rows: readonly ImpactRow[]): string {
  let s = headerLine(IMPACT_COLUMNS);
  for (const r of rows) {
    s += csvLine([
      textCell(r.store),
      textCell(r.sku),
      numberCell(r.score, 2),
      String(r.band),
      numberCell(r.rmsse, 4),
      textCell(r.demandClass),
      optionalNumberCell(r.volume, 4),
      ...DEFECTS.map((d) => numberCell(r.defects[d], 6)),
    ]);
  }
  return s;
}
