/**
 * Reconciliation methods: each turns base forecasts of every node (aggregates and bottom
 * series, made independently) into non-negative bottom forecasts; the coherent forecast of any
 * aggregate is then the sum of its bottom series (aggregate.ts), so every level adds up.
 *
 * - `bottom-up`: the bottom series' own forecasts.
 * - `top-down:<level>`: each node of <level> (`total` for the classic top-down) split over its
 *   bottom series by historical proportions, p_b = (b's demand) / (node's demand) over the
 *   trace's last 28 days (proportions of the historical averages, Gross & Sohl 1990, method
 *   F; a series first sold within them at its rate since: trace.ts); a node that sold nothing
 *   then is split by forecast proportions, else evenly.
 * - `proportional:<level>`: each node of <level> split by the bottom forecasts' own proportions
 *   per day, p_bj = ŷ_bj / Σ ŷ_b'j (top-down by forecast proportions, Athanasopoulos, Ahmed &
 *   Hyndman 2009, in one step); historical proportions where the bottom forecasts sum to 0.
 * - `a+b`: the mean of the coherent bottom forecasts of methods a and b (a forecast combination
 *   across reconciliation methods, Hollyman, Petropoulos & Tipping 2021), e.g.
 *   `bottom-up+top-down:total`: each item's own forecast averaged with its share of the total's.
 * - `mint-shrink`, `wls`: MinT with the shrinkage or the diagonal covariance (mint.ts), then
 *   non-negative by setting negative bottom forecasts to 0 (Wickramasuriya, Athanasopoulos &
 *   Hyndman 2020 found this heuristic as accurate as their exact non-negative projection on
 *   their hierarchies, at no cost; the exact projection is a quadratic program over 30,490
 *   variables at M5 scale). The aggregates are then the sums of these bottom forecasts, so the
 *   clipping moves them up a little rather than breaking coherence.
 *
 * Sources: Hollyman, R., Petropoulos, F. & Tipping, M.E. (2021), "Understanding forecast
 * reconciliation", European Journal of Operational Research 294(1), 149-160; Gross, C.W. & Sohl, J.E. (1990), "Disaggregation methods to expedite product line
 * forecasting", Journal of Forecasting 9(3), 233-254; Athanasopoulos, G., Ahmed, R.A. &
 * Hyndman, R.J. (2009), "Hierarchical forecasts for Australian domestic tourism", IJF 25(1),
 * 146-166; Wickramasuriya, S.L., Turlach, B.A. & Hyndman, R.J. (2020), "Optimal non-negative
 * forecast reconciliation", Statistics and Computing 30, 1167-1182; FPP3 §11.2-11.3.
 */
import type { Hierarchy, Level } from './levels.js';
import { mintReconcile, type MintModel } from './mint.js';

/** A reconciliation method (module comment): one of the methods above, or several joined by `+` (their mean). */
export type ReconcileMethod = string;

/** The error-model kinds MinT-type methods need. */
export type ErrorModelKind = 'mint-shrink' | 'wls';

/** Base forecasts of one occasion (a backtest origin or the final forecast). */
export interface BaseForecasts {
  /** Aggregate nodes × width, row-major. */
  readonly a: Float64Array;
  /** Bottom series × width, row-major. */
  readonly b: Float64Array;
  readonly width: number;
  /** Each bottom series' recent demand (historical proportions). */
  readonly recent: ArrayLike<number>;
}

/** The single methods a method averages (itself when it is not a combination). */
export function methodMembers(method: ReconcileMethod): string[] {
  return method.split('+').map((m) => m.trim());
}

/** The error-model kinds a method needs (none for bottom-up and the top-down family). */
export function errorModelKinds(method: ReconcileMethod): ErrorModelKind[] {
  return [...new Set(methodMembers(method).filter((m): m is ErrorModelKind => m === 'mint-shrink' || m === 'wls'))];
}

/**
 * The candidates a hierarchy can use: those whose top-down or proportional members name one of
 * its levels (the default candidates' `top-down:total` needs the total among the levels asked for).
 */
export function applicableMethods(h: Hierarchy, candidates: readonly ReconcileMethod[]): ReconcileMethod[] {
  return candidates.filter((c) =>
    methodMembers(c).every((m) => {
      const x = /^(?:top-down|proportional):(.+)$/.exec(m);
      return !x || h.levels.some((l) => l.name === x[1]);
    }),
  );
}

/**
 * Check a method name against a hierarchy.
 * @throws when a member is unknown or names a level the hierarchy does not have.
 */
export function checkMethod(h: Hierarchy, method: string): ReconcileMethod {
  for (const m of methodMembers(method)) {
    if (m === 'bottom-up' || m === 'mint-shrink' || m === 'wls') continue;
    const x = /^(top-down|proportional):(.+)$/.exec(m);
    if (!x) throw new Error(`unknown reconciliation method "${m}"; known: bottom-up, top-down:<level>, proportional:<level>, mint-shrink, wls, and means of them joined by +`);
    if (!h.levels.some((l) => l.name === x[2])) throw new Error(`reconciliation method "${m}": the hierarchy has no level "${x[2]}" (levels: ${h.levels.map((l) => l.name).join(', ')})`);
  }
  return method;
}

/**
 * Non-negative bottom forecasts of a method (module comment); a combination is the mean of its
 * members' non-negative bottom forecasts (so it is coherent and non-negative too).
 *
 * @param h The hierarchy.
 * @param method The method (see {@link checkMethod}).
 * @param base The base forecasts.
 * @param models The error model of each MinT-type member (`mint-shrink`, `wls`).
 * @returns bottom series × width, row-major, every value >= 0.
 * @throws when a MinT-type member has no model, or the method is invalid for the hierarchy.
 */
export function reconcileBottom(h: Hierarchy, method: ReconcileMethod, base: BaseForecasts, models: Partial<Record<ErrorModelKind, MintModel>> = {}): Float64Array {
  checkMethod(h, method);
  const members = methodMembers(method);
  let out: Float64Array | null = null;
  for (const m of members) {
    const b = reconcileOne(h, m, base, models);
    if (!out) out = b;
    else for (let i = 0; i < out.length; i++) out[i] += b[i];
  }
  const result = out!;
  if (members.length > 1) for (let i = 0; i < result.length; i++) result[i] /= members.length;
  return result;
}

function reconcileOne(h: Hierarchy, method: string, base: BaseForecasts, models: Partial<Record<ErrorModelKind, MintModel>>): Float64Array {
  let out: Float64Array;
  if (method === 'bottom-up') out = Float64Array.from(base.b);
  else if (method === 'mint-shrink' || method === 'wls') {
    const model = models[method];
    if (!model) throw new Error(`reconcileBottom: ${method} needs an error model (mintModel)`);
    out = mintReconcile(h, model, base.a, base.b, base.width);
  } else {
    const [kind, name] = splitMethod(method);
    const l = h.levels.findIndex((x) => x.name === name);
    out = disaggregate(h, l, h.levels[l], base, kind === 'proportional');
  }
  for (let i = 0; i < out.length; i++) if (!(out[i] > 0)) out[i] = 0;
  return out;
}

function splitMethod(method: string): [string, string] {
  const i = method.indexOf(':');
  return [method.slice(0, i), method.slice(i + 1)];
}

/** Split each node of a level over its bottom series (historical or forecast proportions). */
function disaggregate(h: Hierarchy, l: number, level: Level, base: BaseForecasts, byForecast: boolean): Float64Array {
  const { b: bottom, width: w, recent } = base;
  const nb = h.bottom.length;
  const k = level.keys.length;
  const recentSum = new Float64Array(k);
  const members = new Float64Array(k);
  for (let b = 0; b < nb; b++) {
    const r = recent[b];
    recentSum[level.nodeOf[b]] += Number.isFinite(r) && r > 0 ? r : 0;
    members[level.nodeOf[b]]++;
  }
  // bottom forecasts summed to this level's nodes
  const forecastSum = new Float64Array(k * w);
  for (let b = 0; b < nb; b++) {
    const o = level.nodeOf[b] * w;
    for (let j = 0; j < w; j++) forecastSum[o + j] += bottom[b * w + j];
  }
  const out = new Float64Array(nb * w);
  for (let b = 0; b < nb; b++) {
    const n = level.nodeOf[b];
    const node = (h.offsets[l] + n) * w;
    const r = recent[b];
    const hist = recentSum[n] > 0 ? (Number.isFinite(r) && r > 0 ? r : 0) / recentSum[n] : NaN;
    for (let j = 0; j < w; j++) {
      const fs = forecastSum[n * w + j];
      const fore = fs > 0 ? bottom[b * w + j] / fs : NaN;
      const p = byForecast ? (Number.isNaN(fore) ? hist : fore) : Number.isNaN(hist) ? fore : hist;
      out[b * w + j] = base.a[node + j] * (Number.isNaN(p) ? 1 / members[n] : p);
    }
  }
  return out;
}


