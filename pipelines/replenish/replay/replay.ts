/**
 * Replaying the proposed reorder policy, and a shop's simple rule, over a window of past sales
 * (issue 16 item 4): the plan (levels at every review from forecasts made before it), then the
 * day-by-day replay of pipelines/replenish/replay/simulate.ts per series and in total.
 *
 * Honesty about leakage (rolling origin): the levels used on review day t come from a forecast
 * made with the sales up to day o <= t - 1 only, where o is the latest refit origin, the day
 * before the window starts plus a whole number of `refitDays` (a weekly refit by default: with
 * a weekly review every review gets a forecast made the evening before). The caller's
 * {@link ForecastAt} must see nothing after `end` (pipelines/replenish/replay/replay-forecasts.ts cuts
 * the series there and cleans and forecasts what is left, as a run would). The simple policy's
 * average uses the sales before t only. The actual sales of the window are used only to replay.
 * A forecast made on day o and used on t > o + 1 is read from day t on (its first days dropped).
 *
 * The simple policy is what many shops do: at each review, order up to N weeks of average daily
 * sales (the mean of the last `averageDays` days, sales as recorded) with the same lead time,
 * review period, delivery days, pack size and minimum order.
 *
 * Start stock: the subject's own when given, else each policy's own order-up-to level at the
 * first review, rounded up to a whole unit (the "stock started at the order-up-to level").
 */
import type { DemandClass } from '../../forecast/classify.js';
import { HistorySpread } from '../demand-distribution.js';
import { dailyForecast, laterForecast, type DemandForecast, type StageForecast } from '../demand-forecast.js';
import type { ServiceType } from '../inputs/items.js';
import { policyLevels, type PolicyMethod, type ServicePolicy } from '../policy.js';
import { simulate, totalReplay, type ReplayDaily, type ReplayResult } from './simulate.js';

/** A series to replay. */
export interface ReplaySubject {
  readonly store: string;
  readonly sku: string;
  /** Day number of `demand[0]`. */
  readonly start: number;
  /** Daily sales as recorded, covering the window and the simple policy's averaging days before it. */
  readonly demand: ArrayLike<number>;
  readonly policy: ServicePolicy;
  /** Value of one unit (cost, else price); NaN when unknown. */
  readonly unitValue: number;
  /** Units on the shelf on the first morning; undefined = each policy's first order-up-to level. */
  readonly startStock?: number;
}

/** The window replayed. */
export interface ReplayWindow {
  /** Day number of the first day replayed. */
  readonly first: number;
  /** Days replayed (13 weeks: 91). */
  readonly days: number;
  /** Days between refits of the forecasts. @defaultValue 7 */
  readonly refitDays: number;
  /** Days per forecast bucket (1 = daily forecasts). @defaultValue 1 */
  readonly bucketDays: number;
}

/** Forecasts made with the sales up to and including day `end`, one per subject, in order. */
export type ForecastAt = (end: number) => readonly StageForecast[];

/** Segment of a review: demand class and service measure, e.g. `smooth/fill_rate`. */
export type Segment = `${DemandClass}/${ServiceType}`;

/** The levels of every review, before the segments' safety factor shifts. */
export interface ReplayPlan {
  readonly window: ReplayWindow;
  readonly subjects: readonly ReplaySubject[];
  /** Per subject and window day: order-up-to level before the shift; NaN on days without review. */
  readonly base: readonly Float64Array[];
  /** Per subject and review day: sd of the protection-interval demand (the shift's unit). */
  readonly sd: readonly Float64Array[];
  /** Per subject and review day: expected demand over the protection interval (the safety stock floor). */
  readonly expected: readonly Float64Array[];
  /** Per subject and review day: the simple policy's average daily sales. */
  readonly average: readonly Float64Array[];
  /** Per subject and window day: the segment of the review that governs the day (null before the first review). */
  readonly segment: readonly (Segment | null)[][];
  /** Per subject: the demand distribution used at its last review. */
  readonly method: readonly PolicyMethod[];
  /** Per subject: the demand class at its last review. */
  readonly demandClass: readonly DemandClass[];
  /** Refit origins used (day numbers), oldest first. */
  readonly origins: readonly number[];
}

/** Segment shift Δ per segment (missing = 0). */
export type SegmentShifts = Readonly<Partial<Record<Segment, number>>>;

/** Refit origin serving a review on day t: the latest first - 1 + k·refitDays <= t - 1. */
export function refitOrigin(t: number, window: Pick<ReplayWindow, 'first' | 'refitDays'>): number {
  const k = Math.floor((t - window.first) / window.refitDays);
  return window.first - 1 + k * window.refitDays;
}

/**
 * The refit origins of a window that serve a review, oldest first, with the reviews each serves
 * (subject index, window day): every review period from the window's first day.
 */
export function reviewsByOrigin(subjects: readonly Pick<ReplaySubject, 'policy'>[], window: ReplayWindow): Map<number, { i: number; t: number }[]> {
  const { first, days } = window;
  const out = new Map<number, { i: number; t: number }[]>();
  for (let o = first - 1; o < first + days - 1; o += window.refitDays) {
    const served: { i: number; t: number }[] = [];
    subjects.forEach((s, i) => {
      for (let t = 0; t < days; t++) if (t % s.policy.reviewPeriodDays === 0 && refitOrigin(first + t, window) === o) served.push({ i, t });
    });
    if (served.length > 0) out.set(o, served);
  }
  return out;
}

function checkWindow(w: ReplayWindow): void {
  for (const [k, v] of [['days', w.days], ['refitDays', w.refitDays], ['bucketDays', w.bucketDays]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`planReplay needs ${k} to be a whole number >= 1, got ${v}`);
  }
}

/**
 * Plan a replay: forecast at every refit origin and compute each subject's levels at each of its
 * reviews (every review period from the window's first day).
 *
 * @param subjects Series with their sales and buying terms.
 * @param window The window.
 * @param forecastAt Forecasts from the sales up to a day (see the module comment on leakage).
 * @param averageDays Days averaged by the simple policy (before each review).
 * @throws when a subject's sales do not cover the averaging days and the window, or a setting
 *   is out of range; or when `forecastAt` returns the wrong number of forecasts.
 */
export function planReplay(subjects: readonly ReplaySubject[], window: ReplayWindow, forecastAt: ForecastAt, averageDays = 28): ReplayPlan {
  checkWindow(window);
  const { first, days } = window;
  for (const s of subjects) {
    if (s.start > first - averageDays || s.start + s.demand.length < first + days) {
      throw new Error(`planReplay needs the sales of ${s.store}/${s.sku} from ${averageDays} days before the window to its end`);
    }
  }
  const nan = () => new Float64Array(days).fill(NaN);
  const base = subjects.map(nan);
  const sd = subjects.map(nan);
  const expected = subjects.map(nan);
  const average = subjects.map(nan);
  const segment = subjects.map(() => new Array<Segment | null>(days).fill(null));
  const method = subjects.map((): PolicyMethod => 'none');
  const demandClass = subjects.map((): DemandClass => 'none');
  const origins: number[] = [];
  for (const [o, served] of reviewsByOrigin(subjects, window)) {
    origins.push(o);
    const forecasts = forecastAt(o);
    if (forecasts.length !== subjects.length) throw new Error(`planReplay: forecastAt(${o}) returned ${forecasts.length} forecasts for ${subjects.length} series`);
    const inDays = originForecasts(forecasts, window.bucketDays);
    for (const { i, t } of served) {
      const s = subjects[i];
      const day = first + t;
      const { daily, spread } = inDays(i);
      const f = laterForecast(daily, day - (o + 1));
      const lv = policyLevels(f, s.policy, day, 0, spread);
      base[i][t] = lv.targetLevel;
      sd[i][t] = lv.sd;
      expected[i][t] = lv.protectionDemand;
      average[i][t] = meanBefore(s, day, averageDays);
      const seg: Segment = `${f.demandClass}/${s.policy.serviceType}`;
      for (let u = t; u < days && (u === t || u % s.policy.reviewPeriodDays !== 0); u++) segment[i][u] = seg;
      method[i] = lv.method;
      demandClass[i] = f.demandClass;
    }
  }
  return { window, subjects, base, sd, expected, average, segment, method, demandClass, origins };
}

/**
 * One origin's forecasts in days with the spread of their history, made on first use and kept for
 * the subject's later reviews served by the same origin (every review reads the same history).
 */
function originForecasts(forecasts: readonly StageForecast[], bucketDays: number): (i: number) => { daily: DemandForecast; spread: HistorySpread } {
  const made = new Map<number, { daily: DemandForecast; spread: HistorySpread }>();
  return (i) => {
    let m = made.get(i);
    if (!m) {
      const daily = dailyForecast(forecasts[i], bucketDays);
      made.set(i, (m = { daily, spread: new HistorySpread(daily.history) }));
    }
    return m;
  };
}

/** Mean daily sales of the `n` days before `day`. */
function meanBefore(s: ReplaySubject, day: number, n: number): number {
  let sum = 0;
  for (let d = day - n; d < day; d++) sum += s.demand[d - s.start];
  return sum / n;
}

/**
 * The proposed policy's levels with each segment's shift: S = E[D_P] + max(0, S0 + Δ·sd - E[D_P])
 * (pipelines/replenish/policy.ts).
 */
export function proposedLevels(plan: ReplayPlan, shifts: SegmentShifts = {}): Float64Array[] {
  return plan.base.map((b, i) => {
    const out = new Float64Array(b.length).fill(NaN);
    for (let t = 0; t < b.length; t++) {
      if (!Number.isFinite(b[t])) continue;
      const delta = shifts[plan.segment[i][t]!] ?? 0;
      const e = plan.expected[i][t];
      out[t] = e + Math.max(0, b[t] + delta * plan.sd[i][t] - e);
    }
    return out;
  });
}

/** The simple policy's levels: `coverDays` × the average daily sales before each review. */
export function simpleLevels(plan: ReplayPlan, coverDays: number): Float64Array[] {
  if (!(coverDays > 0)) throw new Error(`simpleLevels needs a cover of more than 0 days, got ${coverDays}`);
  return plan.average.map((a) => a.map((v) => (Number.isFinite(v) ? v * coverDays : NaN)));
}

/** Replay figures per series and in total. */
export interface ReplayOutcome {
  readonly series: ReplayResult[];
  readonly total: ReturnType<typeof totalReplay>;
  /** Per series, day by day (for segment figures). */
  readonly daily: ReplayDaily[];
}

/**
 * Replay every subject with the given levels (one array per subject, from
 * {@link proposedLevels} or {@link simpleLevels}).
 * @throws as pipelines/replenish/replay/simulate.ts.
 */
export function runReplay(plan: ReplayPlan, levels: readonly Float64Array[]): ReplayOutcome {
  const { first, days } = plan.window;
  const daily: ReplayDaily[] = [];
  const series = plan.subjects.map((s, i) => {
    const lv = levels[i];
    const firstLevel = lv.find((v) => Number.isFinite(v)) ?? 0;
    const d: ReplayDaily = { sold: new Float64Array(days), lost: new Float64Array(days), endStock: new Float64Array(days) };
    daily.push(d);
    const from = first - s.start;
    return simulate(
      {
        demand: windowOf(s.demand, from, days),
        orderUpTo: lv,
        startStock: s.startStock ?? Math.ceil(Math.max(0, firstLevel) - 1e-9),
        leadTimeDays: s.policy.leadTimeDays,
        schedule: s.policy.schedule,
        packSize: s.policy.packSize,
        minOrderQty: s.policy.minOrderQty,
        unitValue: s.unitValue,
      },
      first,
      d,
    );
  });
  return { series, total: totalReplay(series), daily };
}

/**
 * The `days` values of `a` from index `from`: a view of a typed array (simulate only reads it; the
 * replay calls this for every series on every trial level of the calibration), a copy otherwise.
 */
function windowOf(a: ArrayLike<number>, from: number, days: number): ArrayLike<number> {
  if (ArrayBuffer.isView(a)) return (a as Float64Array).subarray(from, from + days);
  return Array.prototype.slice.call(a, from, from + days) as number[];
}

/** Units demanded and sold, and cycles, over the days a segment governs. */
export interface SegmentFigures {
  demand: number;
  sold: number;
  cycles: number;
  cyclesShort: number;
}

/** {@link SegmentFigures} of one segment, per series (index = subject). */
export interface SegmentSeries {
  readonly demand: Float64Array;
  readonly sold: Float64Array;
  readonly cycles: Float64Array;
  readonly cyclesShort: Float64Array;
}

/**
 * Figures per segment and series: each day's demand and sales go to the segment of the review
 * governing it; each cycle to its review's segment.
 */
export function segmentSeries(plan: ReplayPlan, outcome: ReplayOutcome): Map<Segment, SegmentSeries> {
  const out = new Map<Segment, SegmentSeries>();
  const n = plan.subjects.length;
  const get = (seg: Segment): SegmentSeries => {
    let f = out.get(seg);
    if (!f) out.set(seg, (f = { demand: new Float64Array(n), sold: new Float64Array(n), cycles: new Float64Array(n), cyclesShort: new Float64Array(n) }));
    return f;
  };
  plan.subjects.forEach((s, i) => {
    const d = outcome.daily[i];
    const from = plan.window.first - s.start;
    let open: SegmentSeries | null = null;
    let short = false;
    for (let t = 0; t < plan.window.days; t++) {
      const seg = plan.segment[i][t];
      if (seg === null) continue;
      const f = get(seg);
      if (t % s.policy.reviewPeriodDays === 0) {
        if (open && short) open.cyclesShort[i]++;
        f.cycles[i]++;
        open = f;
        short = false;
      }
      f.demand[i] += s.demand[from + t];
      f.sold[i] += d.sold[t];
      if (d.lost[t] > 0) short = true;
    }
    if (open && short) open.cyclesShort[i]++;
  });
  return out;
}

/** Totals of {@link SegmentSeries} over the series listed (all when omitted). */
export function sumSegment(f: SegmentSeries, which?: ArrayLike<number>): SegmentFigures {
  const t: SegmentFigures = { demand: 0, sold: 0, cycles: 0, cyclesShort: 0 };
  const n = which ? which.length : f.demand.length;
  for (let k = 0; k < n; k++) {
    const i = which ? which[k] : k;
    t.demand += f.demand[i];
    t.sold += f.sold[i];
    t.cycles += f.cycles[i];
    t.cyclesShort += f.cyclesShort[i];
  }
  return t;
}

/** Figures per segment, summed over the series. */
export function segmentFigures(plan: ReplayPlan, outcome: ReplayOutcome): Map<Segment, SegmentFigures> {
  return new Map([...segmentSeries(plan, outcome)].map(([k, f]) => [k, sumSegment(f)]));
}
