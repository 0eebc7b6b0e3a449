/**
 * Calibrating each segment's safety factor on a replay, so the achieved service meets the target
 * (issue 16 item 4).
 *
 * Why: the policy's levels come from backorder formulas and a year of demand history; a shop
 * loses sales instead of backordering, forecasts are biased in places, history is not the
 * future. The replay measures what the levels really achieve, and a shift Δ of the safety factor
 * per segment (demand class × service measure; pipelines/replenish/replay/replay.ts) corrects it:
 * S = E[D_P] + max(0, S0 + Δ·sd(D_P) - E[D_P]).
 *
 * Rule, per segment (segments in name order, the others at their current shifts; a second pass
 * repeats it, since a series whose class changes between reviews carries stock across
 * segments). Achieved service is measured over the days the segment governs: fill rate = units
 * sold / demanded, cycle service = share of review cycles without a lost sale.
 * - achieved below target at Δ = 0: raise Δ to the smallest value (bisection on [0, `hi`], to
 *   `tolerance`) whose achieved service meets the target: a promise that is not kept is fixed;
 * - at or above target: lower Δ only as far as the target is still met with confidence: the
 *   smallest Δ in [`lo`, 0] whose lower confidence bound of the achieved service is at least the
 *   target. The bound is R - z·se(R), z = Φ⁻¹(`confidence`), for the pooled ratio R = Σ a_i /
 *   Σ b_i over the segment's n series (units sold / demanded, or cycles without a lost sale /
 *   cycles), with the ratio estimator's standard error
 *   se(R)² = n / (n - 1) · Σ (a_i - R·b_i)² / (Σ b_i)² (Cochran 1977, §6.3): series are the
 *   sampling units. One 13-week window is a small sample (README, "What to order"), so stock is
 *   only taken away where the evidence says the service will hold.
 * A segment that misses its target even at `hi` keeps `hi` (`reached` false). Segments without
 * sales history (`none`: every level is 0) are not calibrated. The segment's target is the
 * demand-weighted mean of its series' targets.
 *
 * Calibrate on an earlier window than the one reported (out of sample), as
 * pipelines/replenish/replay/replay-study.ts does.
 *
 * Source: Cochran, W.G. (1977), Sampling Techniques, 3rd ed., Wiley, §6.3 (variance of a ratio
 * estimate).
 */
import { normalQuantile } from '../../forecast/intervals.js';
import { proposedLevels, runReplay, segmentSeries, sumSegment, type ReplayPlan, type Segment, type SegmentFigures, type SegmentSeries, type SegmentShifts } from './replay.js';

/** Calibration settings. */
export interface CalibrationOptions {
  /** Lowest shift, in sds. @defaultValue -2 */
  readonly lo?: number;
  /** Highest shift, in sds. @defaultValue 4 */
  readonly hi?: number;
  /** Bisection stops when the bracket is this narrow. @defaultValue 0.01 */
  readonly tolerance?: number;
  /** One-sided confidence of the lower bound that must meet the target before a shift lowers stock. @defaultValue 0.9 */
  readonly confidence?: number;
}

/** One segment's calibration. */
export interface SegmentCalibration {
  readonly segment: Segment;
  readonly target: number;
  /** Achieved service with no shift. */
  readonly before: number;
  /** Achieved service with the calibrated shifts. */
  readonly after: number;
  readonly shift: number;
  readonly reached: boolean;
  /** Units demanded on the days the segment governs. */
  readonly demand: number;
}

/** Result of {@link calibrateShifts}. */
export interface Calibration {
  readonly shifts: SegmentShifts;
  readonly segments: SegmentCalibration[];
}

/** Achieved service of a segment's figures for its measure. */
export function achieved(segment: Segment, f: SegmentFigures): number {
  if (segment.endsWith('/cycle')) return f.cycles > 0 ? 1 - f.cyclesShort / f.cycles : 1;
  return f.demand > 0 ? f.sold / f.demand : 1;
}

/** Demand-weighted mean target of each segment. */
function segmentTargets(plan: ReplayPlan): Map<Segment, number> {
  const acc = new Map<Segment, { w: number; sum: number; n: number; plain: number }>();
  plan.subjects.forEach((s, i) => {
    const from = plan.window.first - s.start;
    for (let t = 0; t < plan.window.days; t++) {
      const seg = plan.segment[i][t];
      if (seg === null) continue;
      let a = acc.get(seg);
      if (!a) acc.set(seg, (a = { w: 0, sum: 0, n: 0, plain: 0 }));
      const d = s.demand[from + t];
      a.w += d;
      a.sum += d * s.policy.serviceTarget;
      a.n++;
      a.plain += s.policy.serviceTarget;
    }
  });
  return new Map([...acc].map(([k, a]) => [k, a.w > 0 ? a.sum / a.w : a.plain / a.n]));
}

/**
 * Lower confidence bound of a segment's achieved service: R - z·se(R) with the ratio
 * estimator's standard error over the series that took part (module comment); R itself with
 * fewer than 2 such series.
 */
export function lowerBound(segment: Segment, f: SegmentSeries, confidence: number): number {
  const cycle = segment.endsWith('/cycle');
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < f.demand.length; i++) {
    const bi = cycle ? f.cycles[i] : f.demand[i];
    if (bi > 0) {
      a.push(cycle ? f.cycles[i] - f.cyclesShort[i] : f.sold[i]);
      b.push(bi);
    }
  }
  const n = a.length;
  if (n === 0) return 1;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i];
    sb += b[i];
  }
  const r = sa / sb;
  if (n < 2) return r;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i] - r * b[i]) ** 2;
  const se = Math.sqrt((n / (n - 1)) * ss) / sb;
  return r - normalQuantile(confidence) * se;
}

/**
 * The plan restricted to the subjects (in their order) with a day governed by `seg`: the others add
 * nothing to that segment's figures (their entries are 0, which neither the sums nor the lower
 * bound count), so a segment's bisection replays only these, with the same result.
 */
export function segmentPlan(plan: ReplayPlan, seg: Segment): ReplayPlan {
  const keep: number[] = [];
  plan.segment.forEach((days, i) => {
    if (days.includes(seg)) keep.push(i);
  });
  if (keep.length === plan.subjects.length) return plan;
  const pick = <T>(a: readonly T[]): T[] => keep.map((i) => a[i]);
  return {
    ...plan,
    subjects: pick(plan.subjects),
    base: pick(plan.base),
    sd: pick(plan.sd),
    expected: pick(plan.expected),
    average: pick(plan.average),
    segment: pick(plan.segment),
    method: pick(plan.method),
    demandClass: pick(plan.demandClass),
  };
}

/**
 * Calibrate the shifts of every segment of a plan (rule in the module comment).
 * @throws when lo > 0, hi < 0, the tolerance is not positive or the confidence is not in (0, 1).
 */
export function calibrateShifts(plan: ReplayPlan, options: CalibrationOptions = {}): Calibration {
  const lo = options.lo ?? -2;
  const hi = options.hi ?? 4;
  const tol = options.tolerance ?? 0.01;
  const confidence = options.confidence ?? 0.9;
  if (!(lo <= 0 && hi >= 0) || !(tol > 0)) throw new Error(`calibrateShifts needs lo <= 0 <= hi and a tolerance > 0, got ${lo}, ${hi}, ${tol}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`calibrateShifts needs a confidence strictly between 0 and 1, got ${confidence}`);
  const targets = segmentTargets(plan);
  const segments = [...targets.keys()].filter((s) => !s.startsWith('none/')).sort();
  const measure = (shifts: SegmentShifts) => segmentSeries(plan, runReplay(plan, proposedLevels(plan, shifts)));
  const before = measure({});
  const shifts: Partial<Record<Segment, number>> = {};
  // smallest x in [a, b] with ok(x), ok assumed monotone and ok(b) true
  const bisect = (a: number, b: number, ok: (x: number) => boolean) => {
    while (b - a > tol) {
      const m = 0.5 * (a + b);
      if (ok(m)) b = m;
      else a = m;
    }
    return b;
  };
  for (let pass = 0; pass < 2; pass++) {
    for (const seg of segments) {
      const target = targets.get(seg)!;
      const sub = segmentPlan(plan, seg);
      const at = (d: number) => segmentSeries(sub, runReplay(sub, proposedLevels(sub, { ...shifts, [seg]: d }))).get(seg);
      const point = (d: number) => {
        const f = at(d);
        return f ? achieved(seg, sumSegment(f)) : 1;
      };
      const confident = (d: number) => {
        const f = at(d);
        return f ? lowerBound(seg, f, confidence) >= target : true;
      };
      if (point(0) < target) shifts[seg] = point(hi) < target ? hi : bisect(0, hi, (d) => point(d) >= target);
      else shifts[seg] = confident(0) ? bisect(lo, 0, confident) : 0;
    }
  }
  const after = measure(shifts);
  return {
    shifts,
    segments: segments.map((seg) => {
      const f0 = before.get(seg);
      const f1 = after.get(seg);
      const target = targets.get(seg)!;
      const a1 = f1 ? achieved(seg, sumSegment(f1)) : 1;
      return { segment: seg, target, before: f0 ? achieved(seg, sumSegment(f0)) : 1, after: a1, shift: shifts[seg] ?? 0, reached: a1 >= target, demand: f1 ? sumSegment(f1).demand : 0 };
    }),
  };
}
