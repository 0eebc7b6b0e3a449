/**
 * Coherent forecasts at every level: the reconciliation method chosen by backtest over the
 * whole hierarchy, then each node's distribution from its own reconciled backtest errors.
 *
 * Steps, given every aggregate node's and bottom series' forecast with its backtest trace
 * (trace.ts: the same K windows of H days for all):
 * 1. for each candidate method and each backtest origin o, reconcile the base forecasts made at
 *    o (methods.ts); a MinT error model is estimated from the other origins' errors only, so
 *    the score is out of sample (with one origin, from that origin's own errors);
 * 2. score the coherent forecasts of every node with RMSSE (scale: the node's recorded history
 *    before o), weighted per level and averaged over levels (level-scores.ts: the M5's
 *    WRMSSE over the hierarchy's levels), then over origins; keep the first candidate unless
 *    another scores more than {@link SWITCH_MARGIN} lower, then take the lowest;
 * 3. reconcile the final forecasts with the chosen method (a MinT model from all origins'
 *    errors) and sum them up the hierarchy;
 * 4. per node, intervals and quantiles from the errors of the chosen method's backtest
 *    forecasts (distribution.ts), for aggregate nodes widened by their level uncertainty
 *    (level-shift.ts), and for bottom series the lead-time sd for replenishment.
 *
 * A candidate that fails (MinT with too many aggregate nodes, a matrix that cannot be
 * inverted) is recorded with its reason and not chosen. When no candidate can be scored (no
 * backtest window in a short history, or no node with a scale), the forecasts are reconciled
 * bottom-up ({@link UNSCORED_METHOD}), which needs no backtest errors, and `scored` is false.
 */
import type { SeriesForecast } from '../forecast/forecast-series.js';
import { sumToNodes } from './aggregate.js';
import { nodeDistribution, nodeLeadTimeSd, type NodeDistribution } from './distribution.js';
import { levelScores, type HierarchyScore } from './level-scores.js';
import { nodeAt, nodeCount, TOTAL, type Hierarchy } from './levels.js';
import { applicableMethods, checkMethod, errorModelKinds, reconcileBottom, type BaseForecasts, type ErrorModelKind, type ReconcileMethod } from './methods.js';
import { mintModel, type MintModel } from './mint.js';
import type { BacktestTrace } from './trace.js';

/**
 * Default candidates; the first is the default method (see {@link SWITCH_MARGIN}).
 * `wls+top-down:total` (each item's WLS-reconciled forecast averaged with its recent share of
 * the total's forecast) had the lowest held-out 12-level WRMSSE and item × store RMSSE on four
 * validation periods of the M5 slice (ending 28 to 112 days before the test period;
 * bench/m5-hierarchy.ts, README), ahead of bottom-up, MinT(shrink), WLS and top-down alone.
 */
export const DEFAULT_METHODS: readonly string[] = [`wls+top-down:${TOTAL}`, 'bottom-up', `bottom-up+top-down:${TOTAL}`, 'mint-shrink', 'wls'];

/**
 * Relative backtest advantage another candidate needs to replace the first (default) one: 5%.
 * The hierarchy backtest covers 42 days (three overlapping 28-day windows), and on the M5
 * slice's validation periods the candidates' backtest scores differed by 1-3% in an order that
 * did not carry over to the following 28 days (choosing the lowest score was worse than keeping
 * the default on all four); a method clearly better on the data at hand still wins.
 */
export const SWITCH_MARGIN = 0.05;

/** The method used when no candidate could be scored: the item forecasts summed, no error model needed. */
export const UNSCORED_METHOD = 'bottom-up';

/** What {@link reconcileForecasts} needs besides the forecasts. */
export interface ReconcileOptions {
  /** Candidate methods (methods.ts), simplest first. @defaultValue {@link DEFAULT_METHODS} */
  readonly methods?: readonly string[];
  /** Interval levels in percent (config `intervals.levels`). */
  readonly levels: readonly number[];
  /** Quantile probabilities, ascending; [] for none. */
  readonly quantiles: readonly number[];
  /** Weight per bottom series: revenue over the last 28 days, or units where prices are unknown. */
  readonly weights: ArrayLike<number>;
  /** Relative backtest advantage needed to leave the first candidate. @defaultValue {@link SWITCH_MARGIN} */
  readonly margin?: number;
}

/** A candidate's backtest score over the hierarchy. */
export interface MethodScore {
  readonly method: string;
  /** Mean over origins of the mean level WRMSSE (NaN when it failed). */
  readonly score: number;
  /** Mean over origins of each level's WRMSSE. */
  readonly levels: Record<string, number>;
  /** Why it could not run, else null. */
  readonly failed: string | null;
}

/** One aggregate node's coherent forecast. */
export interface LevelForecast extends NodeDistribution {
  /** Level name (`store/category`). */
  readonly level: string;
  /** Node key (`CA_1/FOODS`). */
  readonly key: string;
  /** Mean RMSSE over the backtest origins of the published (reconciled) forecast; null when undefined. */
  readonly rmsse: number | null;
}

/** A bottom series' reconciled forecast. */
export interface ReconciledSeries extends NodeDistribution {
  readonly store: string;
  readonly sku: string;
  /** Sd of the L-day demand-sum error, index L-1 (replaces the base forecast's for replenishment). */
  readonly leadTimeSd: number[];
  readonly rmsse: number | null;
}

/** The result of {@link reconcileForecasts}. */
export interface HierarchyForecast {
  /** The chosen method. */
  readonly method: string;
  /** Whether it was chosen by backtest (false: no candidate could be scored, {@link UNSCORED_METHOD}). */
  readonly scored: boolean;
  /** The MinT shrinkage intensity of the final reconciliation (null when the method has no `mint-shrink` member). */
  readonly lambda: number | null;
  /** Every candidate's backtest score, in candidate order. */
  readonly scores: MethodScore[];
  /** Aggregate nodes, flat hierarchy order. */
  readonly nodes: LevelForecast[];
  /** Bottom series, hierarchy order. */
  readonly bottom: ReconciledSeries[];
}

/** The backtest grid's matrices of one origin. */
interface Occasion {
  /** Day number of the window's first day. */
  readonly origin: number;
  readonly base: BaseForecasts;
  readonly actualA: Float64Array;
  readonly actualB: Float64Array;
  readonly scalesA: Float64Array;
  readonly scalesB: Float64Array;
}

/**
 * Reconcile (module comment).
 *
 * @param h The hierarchy.
 * @param aggregate Forecasts of the aggregate nodes (flat order), each with a trace.
 * @param bottom Forecasts of the bottom series (hierarchy order), each with a trace.
 * @param options Candidates, levels, quantiles, weights.
 * @throws when a forecast lacks a trace, the traces do not share one grid, counts do not match
 *   the hierarchy, or a candidate is not a valid method for it.
 */
export function reconcileForecasts(h: Hierarchy, aggregate: readonly SeriesForecast[], bottom: readonly SeriesForecast[], options: ReconcileOptions): HierarchyForecast {
  const na = nodeCount(h);
  const nb = h.bottom.length;
  if (aggregate.length !== na || bottom.length !== nb) throw new Error(`reconcileForecasts needs ${na} aggregate and ${nb} bottom forecasts, got ${aggregate.length} and ${bottom.length}`);
  if (options.weights.length !== nb) throw new Error(`reconcileForecasts needs ${nb} bottom weights, got ${options.weights.length}`);
  // the default candidates that name a level the hierarchy lacks (no total) are left out; given ones are checked
  const methods = (options.methods ?? applicableMethods(h, DEFAULT_METHODS)).map((m) => checkMethod(h, m));
  if (methods.length === 0) throw new Error('reconcileForecasts needs at least one candidate method');
  const tracesA = aggregate.map((f, k) => traceOf(f, `aggregate node ${k}`));
  const tracesB = bottom.map((f, b) => traceOf(f, `bottom series ${b} (${f.store}/${f.sku})`));
  const grid = checkGrid([...tracesA, ...tracesB]);
  const K = grid.origins.length;
  const H = grid.horizon;
  const occasions: Occasion[] = [];
  for (let o = 0; o < K; o++) occasions.push(occasion(tracesA, tracesB, o, H));

  // steps 1-2: backtest every candidate over the hierarchy
  const scores = methods.map((m) => scoreMethod(h, m, occasions, options.weights));
  const best = chooseMethod(scores, options.margin ?? SWITCH_MARGIN);
  const method = best >= 0 ? methods[best] : UNSCORED_METHOD;

  // step 3: the final forecasts
  const h0 = bottom[0].mean.length;
  const finalBase: BaseForecasts = {
    a: rows(aggregate.map((f) => f.mean), h0),
    b: rows(bottom.map((f) => f.mean), h0),
    width: h0,
    recent: Float64Array.from(tracesB, (t) => t.recent[K]),
  };
  const finalModels = errorModels(h, method, occasions, -1);
  const finalB = reconcileBottom(h, method, finalBase, finalModels);
  const finalA = sumToNodes(h, finalB, h0);

  // step 4: distributions from the chosen method's backtest
  const backA: Float64Array[] = [];
  const backB: Float64Array[] = [];
  for (let o = 0; o < K; o++) {
    const rb = reconcileAt(h, method, occasions, o);
    backB.push(rb);
    backA.push(sumToNodes(h, rb, H));
  }
  const row = (m: Float64Array, i: number, w: number): Float64Array => m.subarray(i * w, (i + 1) * w);
  const nodes: LevelForecast[] = [];
  for (let k = 0; k < na; k++) {
    const { level, key } = nodeAt(h, k);
    const fc = backA.map((m) => row(m, k, H));
    nodes.push({
      level: level.name,
      key,
      ...nodeDistribution(tracesA[k], fc, row(finalA, k, h0), options.levels, options.quantiles, true),
      rmsse: meanRmsse(fc, occasions.map((x) => row(x.actualA, k, H)), occasions.map((x) => x.scalesA[k])),
    });
  }
  const reconciled: ReconciledSeries[] = [];
  for (let b = 0; b < nb; b++) {
    const fc = backB.map((m) => row(m, b, H));
    reconciled.push({
      store: bottom[b].store,
      sku: bottom[b].sku,
      ...nodeDistribution(tracesB[b], fc, row(finalB, b, h0), options.levels, options.quantiles),
      leadTimeSd: nodeLeadTimeSd(tracesB[b], fc, h0),
      rmsse: meanRmsse(fc, occasions.map((x) => row(x.actualB, b, H)), occasions.map((x) => x.scalesB[b])),
    });
  }
  const lambda = finalModels['mint-shrink']?.lambda ?? null;
  return { method, scored: best >= 0, lambda, scores, nodes, bottom: reconciled };
}

/**
 * Index of the chosen candidate: the first one, unless the lowest backtest score beats it by
 * more than `margin` (relative) or the first could not be scored; -1 when none was scored.
 */
export function chooseMethod(scores: readonly Pick<MethodScore, 'score'>[], margin: number): number {
  let best = -1;
  scores.forEach((s, i) => {
    if (!Number.isNaN(s.score) && (best < 0 || s.score < scores[best].score)) best = i;
  });
  const first = scores[0]?.score;
  if (best > 0 && first !== undefined && !Number.isNaN(first) && scores[best].score >= first * (1 - margin)) return 0;
  return best;
}

function traceOf(f: SeriesForecast, what: string): BacktestTrace {
  if (!f.trace) throw new Error(`reconcileForecasts: the forecast of ${what} has no backtest trace (forecast it with trace: true)`);
  if (f.trace.sd.length !== f.mean.length) throw new Error(`reconcileForecasts: the forecast of ${what} has ${f.mean.length} days, its trace ${f.trace.sd.length}`);
  return f.trace;
}

function checkGrid(traces: readonly BacktestTrace[]): { origins: number[]; horizon: number } {
  const first = traces[0];
  for (const t of traces) {
    if (t.horizon !== first.horizon || t.origins.length !== first.origins.length || t.origins.some((o, i) => o !== first.origins[i])) {
      throw new Error(`reconcileForecasts needs every trace on one grid; origins ${first.origins.join(',')} (h ${first.horizon}) and ${t.origins.join(',')} (h ${t.horizon})`);
    }
  }
  return { origins: first.origins, horizon: first.horizon };
}

/** Row-major matrix of equal-length rows. */
function rows(values: readonly ArrayLike<number>[], w: number): Float64Array {
  const out = new Float64Array(values.length * w);
  values.forEach((v, i) => {
    if (v.length !== w) throw new Error(`reconcileForecasts needs ${w} values per row, got ${v.length}`);
    for (let j = 0; j < w; j++) out[i * w + j] = v[j];
  });
  return out;
}

function occasion(tracesA: readonly BacktestTrace[], tracesB: readonly BacktestTrace[], o: number, H: number): Occasion {
  const scale = (t: BacktestTrace): number => t.scales[o] ?? NaN;
  return {
    origin: tracesB[0].origins[o],
    base: {
      a: rows(tracesA.map((t) => t.forecasts[o]), H),
      b: rows(tracesB.map((t) => t.forecasts[o]), H),
      width: H,
      recent: Float64Array.from(tracesB, (t) => t.recent[o]),
    },
    actualA: rows(tracesA.map((t) => t.actuals[o]), H),
    actualB: rows(tracesB.map((t) => t.actuals[o]), H),
    scalesA: Float64Array.from(tracesA, scale),
    scalesB: Float64Array.from(tracesB, scale),
  };
}

/**
 * MinT error model from the base errors (actual - forecast) at every origin and step whose day
 * lies outside the window of origin `leave` (all of them when leave < 0). The windows overlap
 * (28 days, origins 7 days apart), so leaving out only the origin would still fit the error
 * covariance on the very days being scored; with fewer than two such days, the other origins'
 * errors are used whole (and with one origin, its own).
 */
function errorModel(h: Hierarchy, kind: ErrorModelKind, occasions: readonly Occasion[], leave: number): MintModel {
  const H = occasions[0].base.width;
  const pick = (outside: boolean): [number, number][] => {
    const out: [number, number][] = [];
    occasions.forEach((x, u) => {
      if (leave >= 0 && u === leave && occasions.length > 1) return;
      for (let j = 0; j < H; j++) {
        const day = x.origin + j;
        if (outside && leave >= 0 && day >= occasions[leave].origin && day < occasions[leave].origin + H) continue;
        out.push([u, j]);
      }
    });
    return out;
  };
  let pairs = pick(true);
  if (pairs.length < 2) pairs = pick(false);
  const T = pairs.length;
  const errors = (n: number, get: (x: Occasion) => [Float64Array, Float64Array]): Float64Array => {
    const out = new Float64Array(n * T);
    pairs.forEach(([u, j], t) => {
      const [actual, forecast] = get(occasions[u]);
      for (let i = 0; i < n; i++) out[i * T + t] = actual[i * H + j] - forecast[i * H + j];
    });
    return out;
  };
  const na = occasions[0].actualA.length / H;
  const nb = occasions[0].actualB.length / H;
  return mintModel(h, errors(na, (x) => [x.actualA, x.base.a]), errors(nb, (x) => [x.actualB, x.base.b]), T, kind);
}

/** The error models a method's MinT-type members need ({@link errorModel}). */
function errorModels(h: Hierarchy, method: ReconcileMethod, occasions: readonly Occasion[], leave: number): Partial<Record<ErrorModelKind, MintModel>> {
  const out: Partial<Record<ErrorModelKind, MintModel>> = {};
  for (const kind of errorModelKinds(method)) out[kind] = errorModel(h, kind, occasions, leave);
  return out;
}

/** Bottom forecasts of a method at backtest origin o (MinT from the other origins). */
function reconcileAt(h: Hierarchy, method: ReconcileMethod, occasions: readonly Occasion[], o: number): Float64Array {
  return reconcileBottom(h, method, occasions[o].base, errorModels(h, method, occasions, o));
}

/** Backtest score of one method over the hierarchy (module comment, step 2). */
function scoreMethod(h: Hierarchy, method: ReconcileMethod, occasions: readonly Occasion[], weights: ArrayLike<number>): MethodScore {
  const perOrigin: HierarchyScore[] = [];
  try {
    for (let o = 0; o < occasions.length; o++) {
      const x = occasions[o];
      const H = x.base.width;
      const b = reconcileAt(h, method, occasions, o);
      const a = sumToNodes(h, b, H);
      perOrigin.push(levelScores(h, rmsseRows(a, x.actualA, x.scalesA, H), rmsseRows(b, x.actualB, x.scalesB, H), weights));
    }
  } catch (e) {
    return { method, score: NaN, levels: {}, failed: (e as Error).message };
  }
  const levels: Record<string, number> = {};
  for (const l of perOrigin[0].levels) levels[l.level] = mean(perOrigin.map((p) => p.levels.find((x) => x.level === l.level)!.score));
  return { method, score: mean(perOrigin.map((p) => p.mean)), levels, failed: null };
}

/** RMSSE of each row (NaN where the scale is undefined). */
function rmsseRows(forecast: Float64Array, actual: Float64Array, scales: Float64Array, w: number): Float64Array {
  const out = new Float64Array(scales.length);
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i];
    if (!(s > 0)) {
      out[i] = NaN;
      continue;
    }
    let ss = 0;
    for (let j = 0; j < w; j++) {
      const e = forecast[i * w + j] - actual[i * w + j];
      ss += e * e;
    }
    out[i] = Math.sqrt(ss / w / s);
  }
  return out;
}

function meanRmsse(forecasts: readonly Float64Array[], actuals: readonly Float64Array[], scales: readonly number[]): number | null {
  const v = forecasts.map((f, o) => rmsseRows(f, actuals[o], Float64Array.of(scales[o]), f.length)[0]);
  const m = mean(v);
  return Number.isFinite(m) ? m : null;
}

/** Mean of the finite values (NaN when none). */
function mean(v: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    s += x;
    n++;
  }
  return n > 0 ? s / n : NaN;
}
