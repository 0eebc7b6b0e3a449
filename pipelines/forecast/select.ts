/**
 * Model choice per series from a rolling-origin backtest: the single best model, or the mean
 * of the best few when that combination scores better in the same backtest.
 *
 * Rule: rank the models that ran at every origin by mean score (RMSSE per origin, averaged over
 * origins; ties keep the candidate order). Let k = min(combineTop, models ranked). When k >= 2,
 * the combination's forecast at each origin is the plain mean of the top k models' forecasts,
 * scored the same way; it is chosen when its mean score is strictly lower than the best single
 * model's (`combine: 'if-better'`, the default), or whenever k >= 2 (`combine: 'always'`). Its
 * name is `combo(a+b+c)` with the member names sorted alphabetically. Models listed as `always`
 * (classify.ts `ALWAYS_COMBINED`) that ran but rank below k join the top k, and that combination
 * is chosen whatever its score (the backtest cannot judge them).
 *
 * On three validation periods of the M5 slice (28, 56 and 84 days before the benchmark's test
 * period) `always` lowered mean RMSSE by about 1% and WRMSSE by about 2% against `if-better`:
 * the best single model's backtest score is optimistic (it is the minimum of several noisy
 * scores over three overlapping windows), while the mean of the top three is steadier.
 *
 * Source: forecast combination by simple averaging, Clemen, R.T. (1989), "Combining forecasts:
 * A review and annotated bibliography", International Journal of Forecasting 5(4), 559-583;
 * choice by cross-validated accuracy, Hyndman & Athanasopoulos, FPP3 §5.10 and §13.4.
 */
import { linearPoolSd } from './linear-pool.js';
import { scoreAt, type BacktestResult, type ModelRun } from './backtest.js';
import { mean } from '../stats.js';

/** The chosen forecast and its backtest. */
export interface Selection {
  /** Model name, or `combo(a+b+c)`. */
  readonly name: string;
  /** Model names whose forecasts are averaged (one for a single model), best first. */
  readonly members: string[];
  /** Backtest forecasts per origin. */
  readonly forecasts: Float64Array[];
  /** Own standard deviation per origin and step (for a combination: mean of the members'). */
  readonly sds: Float64Array[];
  /** Score per origin. */
  readonly scores: number[];
  readonly meanScore: number;
  /** Every model that ran, best first. */
  readonly ranking: { model: string; meanScore: number }[];
}

/**
 * Rank the backtested models and choose (rule in the module comment).
 *
 * @param bt Backtest result.
 * @param combineTop Models averaged in the combination (1 disables combining).
 * @param exclude Model names not eligible for the choice (e.g. a benchmark run only for FVA).
 * @param policy `if-better` (default) or `always`: config `models.combine` (rule in the module comment).
 * @param always Models combined whatever their rank when k >= 2 (rule in the module comment).
 * @returns the selection, or null when no eligible model ran.
 * @throws when combineTop is not a positive integer.
 */
export function selectModel(
  bt: BacktestResult,
  combineTop: number,
  exclude: readonly string[] = [],
  policy: 'if-better' | 'always' = 'if-better',
  always: readonly string[] = [],
): Selection | null {
  if (!Number.isInteger(combineTop) || combineTop < 1) throw new Error(`selectModel needs a positive integer combineTop, got ${combineTop}`);
  const eligible = bt.runs.filter((r) => !exclude.includes(r.model));
  if (eligible.length === 0) return null;
  const ranked = eligible
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.meanScore - b.r.meanScore || a.i - b.i)
    .map((x) => x.r);
  const ranking = ranked.map((r) => ({ model: r.model, meanScore: r.meanScore }));
  const best = ranked[0];
  const single: Selection = {
    name: best.model,
    members: [best.model],
    forecasts: best.forecasts,
    sds: best.sds,
    scores: best.scores,
    meanScore: best.meanScore,
    ranking,
  };
  const k = Math.min(combineTop, ranked.length);
  if (k < 2) return single;
  const joined = ranked.slice(k).filter((r) => always.includes(r.model));
  if (joined.length > 0) return { ...combine(bt, [...ranked.slice(0, k), ...joined]), ranking };
  const combo = combine(bt, ranked.slice(0, k));
  return policy === 'always' || combo.meanScore < best.meanScore ? { ...combo, ranking } : single;
}

/**
 * The choice the rule would make without origin `leave`: the models ranked by their mean score
 * over the other origins (the combination's own scores still cover every origin). Its forecast
 * at `leave` is then out of selection: that window played no part in choosing it, which the
 * chosen forecast's own backtest errors cannot claim (the best of several noisy scores is
 * optimistic). Used for the backtest traces of reconciliation (pipelines/hierarchy/trace.ts).
 *
 * @returns the selection, or null when no eligible model ran; with a single origin, the
 *   ordinary choice.
 */
export function selectWithout(
  bt: BacktestResult,
  leave: number,
  combineTop: number,
  exclude: readonly string[] = [],
  policy: 'if-better' | 'always' = 'if-better',
  always: readonly string[] = [],
): Selection | null {
  if (bt.splits.length < 2) return selectModel(bt, combineTop, exclude, policy, always);
  const runs = bt.runs.map((r) => {
    let sum = 0;
    for (let o = 0; o < r.scores.length; o++) if (o !== leave) sum += r.scores[o];
    return { ...r, meanScore: sum / (r.scores.length - 1) };
  });
  return selectModel({ ...bt, runs }, combineTop, exclude, policy, always);
}

/** Mean of the members' forecasts at every origin, with the sd of their linear pool (linear-pool.ts), scored like a model. */
function combine(bt: BacktestResult, members: ModelRun[]): Omit<Selection, 'ranking'> {
  const k = members.length;
  const hb = bt.horizon;
  const forecasts: Float64Array[] = [];
  const sds: Float64Array[] = [];
  const scores: number[] = [];
  for (let o = 0; o < bt.splits.length; o++) {
    const f = new Float64Array(hb);
    for (const m of members) {
      const mf = m.forecasts[o];
      for (let j = 0; j < hb; j++) f[j] += mf[j] / k;
    }
    forecasts.push(f);
    sds.push(linearPoolSd(members.map((m) => m.forecasts[o]), members.map((m) => m.sds[o]), new Float64Array(hb)));
    scores.push(scoreAt(bt, o, f));
  }
  const names = members.map((m) => m.model);
  return {
    name: comboName(names),
    members: names,
    forecasts,
    sds,
    scores,
    meanScore: mean(scores),
  };
}

/** Name of a combination: `combo(` + member names sorted alphabetically, joined by `+` + `)`. */
export function comboName(members: readonly string[]): string {
  return `combo(${[...members].sort().join('+')})`;
}

/**
 * Forecast value added over seasonal naive: 1 - score(chosen) / score(snaive), from the same
 * backtest. Positive when the chosen forecast beats seasonal naive.
 *
 * Source: Gilliland, M. (2013), "FVA: A reality check on forecasting practices", Foresight 29.
 *
 * @returns FVA, or null when either score is missing or the snaive score is 0.
 */
export function forecastValueAdded(chosenScore: number | null, snaiveScore: number | null): number | null {
  if (chosenScore === null || snaiveScore === null || !Number.isFinite(chosenScore) || !(snaiveScore > 0)) return null;
  return 1 - chosenScore / snaiveScore;
}
