import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultConfig, type Config } from '../../../config/schema.js';
import { cleanBatch, cleaningLogCsv, cleaningLogLine, cleaningSpans, cleanSeries, mergedKeysWarning, reconcileKeys } from '../../../pipelines/prepare/clean.js';
import { periodGrid, periodOfDay } from '../../../pipelines/periods.js';
import { stockoutRuleNotes } from '../../../pipelines/prepare/stockout.js';
import type { SeriesData } from '../../../pipelines/types.js';
import { dayFromYmd } from '../../../pipelines/dates.js';

const START = 18262; // 2020-01-01, a Wednesday

function series(demand: number[], opts: { observed?: number[]; returns?: number[]; sku?: string; store?: string; start?: number; issues?: SeriesData['issues'] } = {}): SeriesData {
  const n = demand.length;
  const store = opts.store ?? 'S1';
  const sku = opts.sku ?? 'A';
  const observed = Uint8Array.from(opts.observed ?? new Array(n).fill(1));
  return {
    key: `${store}\u0000${sku}`,
    store,
    sku,
    start: opts.start ?? START,
    demand: Float64Array.from(demand),
    returns: Float64Array.from(opts.returns ?? new Array(n).fill(0)),
    price: new Float64Array(n).fill(2),
    observed,
    issues: opts.issues ?? {},
    acceptedRows: observed.reduce((a, b) => a + b, 0),
  };
}

/** Defaults, with the winsorising threshold these hand-computed cases use (k = 3), overridable. */
function config(over: Partial<Config['cleaning']> = {}): Config {
  const c = defaultConfig();
  return { ...c, cleaning: { ...c.cleaning, winsoriseThreshold: 3, ...over } };
}

const daily = { kind: 'daily' as const };

describe('cleanSeries: outliers', () => {
  it('winsorises a spike to median + 3 * max(1.4826 MAD, sqrt(median), 1) (k = 3)', () => {
    // 4 units every day and one day of 100: window median 4, MAD 0 -> scale sqrt(4) = 2, limit 4 + 3*2 = 10
    const d = new Array(60).fill(4);
    d[30] = 100;
    const r = cleanSeries(series(d), config(), daily);
    expect(r.series.demand[30]).toBe(10);
    expect(r.actions.outlierDaysWinsorised).toBe(1);
    expect(r.actions.unitsRemovedByWinsorising).toBe(90);
    expect(r.log).toEqual([expect.objectContaining({ code: 'winsorise', day: START + 30, before: 100, after: 10 })]);
    // k = 5: limit 4 + 5*2 = 14
    expect(cleanSeries(series(d), config({ winsoriseThreshold: 5 }), daily).series.demand[30]).toBe(14);
    // nothing else moved
    for (let t = 0; t < 60; t++) if (t !== 30) expect(r.series.demand[t]).toBe(4);
  });

  it('uses the MAD when it is larger than the Poisson floor', () => {
    // 10 on even days, 20 on odd days, 100 on day 28; the window of day 28 is all 57 days:
    // 28 x 10, 28 x 20, 1 x 100 -> median 20; deviations 28 x 0, 28 x 10, 1 x 80 -> MAD 10;
    // scale max(1.4826 * 10, sqrt(20), 1) = 14.826; limit 20 + 3 * 14.826 = 64.478
    const d: number[] = Array.from({ length: 57 }, (_, t) => (t % 2 ? 20 : 10));
    d[28] = 100;
    const r = cleanSeries(series(d), config(), daily);
    expect(r.series.demand[28]).toBeCloseTo(64.478, 10);
    expect(r.actions.outlierDaysWinsorised).toBe(1);
  });

  it('can be switched off', () => {
    const d = new Array(60).fill(4);
    d[30] = 100;
    expect(cleanSeries(series(d), config({ winsorise: false }), daily).series.demand[30]).toBe(100);
  });
});

describe('cleanSeries: missing days and gap fill', () => {
  it('fills an unobserved day from the nearest same-weekday values (t-7, t+7, t-14, t+14)', () => {
    const d = Array.from({ length: 70 }, (_, t) => 1 + (t % 7) + Math.floor(t / 7)); // weekly shape plus a weekly trend
    d[3] = 0; // an explicit zero day elsewhere makes unobserved days "missing"
    const observed = new Array(70).fill(1);
    observed[35] = 0;
    d[35] = 0;
    const r = cleanSeries(series(d, { observed }), config({ winsorise: false }), daily);
    // t-7 = 28: 1+0+4 = 5; t+7 = 42: 1+0+6 = 7; t-14 = 21: 1+0+3 = 4; t+14 = 49: 1+0+7 = 8 -> mean 6
    expect(r.series.demand[35]).toBe(6);
    expect(r.actions.missingDaysFilled).toBe(1);
    expect(r.actions.unitsFilled).toBe(6);
    expect(r.log[0]).toMatchObject({ code: 'gap_fill', before: NaN, after: 6 });
  });

  it('treats unobserved days as zero sales in transaction inputs', () => {
    const d = new Array(40).fill(3);
    d[3] = 0;
    const observed = new Array(40).fill(1);
    observed[20] = 0;
    d[20] = 0;
    const r = cleanSeries(series(d, { observed }), config(), { kind: 'transactions' });
    expect(r.series.demand[20]).toBe(0);
    expect(r.actions.missingDaysFilled).toBe(0);
  });

  it('treats unobserved days as zero when the export lists no zero days and the series is sparse', () => {
    // rows only on selling days (every other day): a day without a row is a day without sales
    const d = Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 3 : 0));
    const observed = d.map((v) => (v > 0 ? 1 : 0));
    const r = cleanSeries(series(d, { observed }), config(), daily);
    expect(r.series.demand[21]).toBe(0);
    expect(r.actions.missingDaysFilled).toBe(0);
    // ... unless the batch says the export lists zero days
    expect(cleanSeries(series(d, { observed }), config(), { kind: 'daily', zerosListed: true }).actions.missingDaysFilled).toBe(19);
  });

  it('never fills the days between the rows of a series that sells on one weekday only (weekly totals in a daily file)', () => {
    // 10 rows of 70 units, all on Mondays, whole weeks apart, in an export that lists zero days:
    // filling would copy each total into the six days between (7x the units); unfilled, the 10
    // weeks keep their 700 units
    const monday = dayFromYmd(2016, 1, 4);
    const weeks = (k: number) => {
      const d = Array.from({ length: 7 * (k - 1) + 1 }, (_, t) => (t % 7 === 0 ? 70 : 0));
      return series(d, { observed: d.map((v) => (v > 0 ? 1 : 0)), start: monday });
    };
    const r = cleanSeries(weeks(10), config({ winsorise: false }), { kind: 'daily', zerosListed: true });
    expect(r.actions.missingDaysFilled).toBe(0);
    expect(r.series.demand.reduce((a, b) => a + b, 0)).toBe(700);
    // 7 such rows are still read as chance (period-detect.ts MIN_ROWS_WEEKLY_IN_DAILY = 8): 6 x 6 days filled
    expect(cleanSeries(weeks(7), config({ winsorise: false }), { kind: 'daily', zerosListed: true }).actions.missingDaysFilled).toBe(36);
  });

  it('fills a lost day of a daily seller even when no zero day is listed', () => {
    const d = new Array(40).fill(3);
    const observed = new Array(40).fill(1);
    observed[20] = 0;
    d[20] = 0;
    const r = cleanSeries(series(d, { observed }), config(), daily);
    expect(r.series.demand[20]).toBe(3);
    expect(r.actions.missingDaysFilled).toBe(1);
  });

  it('fills a truncated tail from the last same-weekday values, but not a long silent tail', () => {
    const d = new Array(80).fill(5);
    d[2] = 0;
    const observed = new Array(80).fill(1);
    for (let t = 70; t < 80; t++) {
      observed[t] = 0;
      d[t] = 0;
    }
    const r = cleanSeries(series(d, { observed }), config(), daily);
    for (let t = 70; t < 80; t++) expect(r.series.demand[t]).toBe(5);
    expect(r.actions.tailDaysFilled).toBe(10);
    const long = cleanSeries(series(d, { observed }), config({ maxTailFillDays: 9 }), daily);
    expect(long.actions.tailDaysFilled).toBe(0);
    expect(long.series.demand[75]).toBe(0);
  });

  it('gapFill "zero" fills with 0 and never touches days before the first sale', () => {
    const d = [0, 0, 0, 0, ...new Array(40).fill(2)];
    d[10] = 0;
    const observed = new Array(44).fill(1);
    observed[1] = 0;
    observed[20] = 0;
    d[20] = 0;
    const r = cleanSeries(series(d, { observed }), config({ gapFill: 'zero' }), daily);
    expect(r.series.demand[1]).toBe(0);
    expect(r.actions.missingDaysFilled).toBe(1);
    expect(r.series.demand[20]).toBe(0);
  });
});

describe('cleanSeries: stockouts', () => {
  it('turns an implausible zero run of a steady seller into missing demand and fills it', () => {
    const d = new Array(100).fill(3);
    for (let t = 40; t < 60; t++) d[t] = 0; // 20 zero days: (1 - 1)^20 = 0 < 0.001
    const r = cleanSeries(series(d), config(), daily);
    expect(r.actions.stockoutDaysAsMissing).toBe(20);
    for (let t = 40; t < 60; t++) expect(r.series.demand[t]).toBe(3);
    expect(r.log.filter((a) => a.code === 'stockout_fill').length).toBe(20);
  });

  it('leaves a plausible zero run of an intermittent item alone', () => {
    // a sale every 5th day: p = 0.2, a 15-day run has probability 0.8^15 = 0.035 > 0.001
    const d = Array.from({ length: 150 }, (_, t) => (t % 5 === 0 ? 2 : 0));
    for (let t = 61; t < 76; t++) d[t] = 0;
    const r = cleanSeries(series(d), config(), daily);
    expect(r.actions.stockoutDaysAsMissing).toBe(0);
    expect(r.series.demand[65]).toBe(0);
  });

  it('can be switched off', () => {
    const d = new Array(100).fill(3);
    for (let t = 40; t < 60; t++) d[t] = 0;
    expect(cleanSeries(series(d), config({ stockoutsAsMissing: false }), daily).actions.stockoutDaysAsMissing).toBe(0);
  });
});

describe('cleanSeries: bookkeeping', () => {
  it('counts duplicates removed at validation and returns kept out of demand', () => {
    const r = cleanSeries(series(new Array(30).fill(1), { returns: [0, 2, 0, 1, ...new Array(26).fill(0)], issues: { duplicate_row: 3, duplicate_key: 1 } }), config(), daily);
    expect(r.actions.duplicateRowsRemoved).toBe(4);
    expect(r.actions.returnUnitsKeptOut).toBe(3);
    expect(r.actions.seriesChanged).toBe(0);
  });

  it('does not modify its input', () => {
    const d = new Array(60).fill(4);
    d[30] = 100;
    const s = series(d);
    cleanSeries(s, config(), daily);
    expect(s.demand[30]).toBe(100);
  });

  it('checks array lengths', () => {
    const s = { ...series([1, 2, 3]), returns: new Float64Array(2) };
    expect(() => cleanSeries(s, config(), daily)).toThrow(/cleanSeries needs equal-length arrays for S1\/A/);
  });

  it('yields finite, non-negative demand and only lowers observed non-missing days (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 30, maxLength: 120 }), fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }), (d, obs) => {
        const observed = d.map((_, i) => (obs[i] || i % 9 === 0 ? 1 : 0));
        const demand = d.map((v, i) => (observed[i] ? v : 0));
        const s = series(demand, { observed });
        const r = cleanSeries(s, config(), daily);
        expect(r.series.demand.length).toBe(demand.length);
        const filled = new Set(r.log.filter((a) => a.code !== 'winsorise').map((a) => a.day - START));
        for (let t = 0; t < demand.length; t++) {
          const v = r.series.demand[t];
          expect(Number.isFinite(v) && v >= 0).toBe(true);
          if (!filled.has(t)) expect(v).toBeLessThanOrEqual(demand[t]);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('reconcileKeys and cleanBatch', () => {
  // the true sku lost days 10..19 to a transposed code; a real neighbour sku sells every day
  const n = 60;
  const trueObs = Array.from({ length: n }, (_, t) => (t >= 10 && t < 20 ? 0 : 1));
  const trueSku = series(trueObs.map((o) => (o ? 4 : 0)), { observed: trueObs, sku: 'FOODS_1_033' });
  const typoObs = trueObs.map((o) => 1 - o);
  const typo = series(typoObs.map((o) => (o ? 4 : 0)), { observed: typoObs, sku: 'FOODS_1_303' });
  const neighbour = series(new Array(n).fill(1), { sku: 'FOODS_1_034' });
  const otherStore = series(typoObs.map((o) => (o ? 4 : 0)), { observed: typoObs, sku: 'FOODS_1_303', store: 'S2' });

  it('merges a one-edit code whose rows fill the true code\'s missing days', () => {
    const r = reconcileKeys([trueSku, typo, neighbour, otherStore]);
    expect(r.merges).toEqual([{ from: typo.key, into: trueSku.key, days: 10 }]);
    expect(r.series.map((s) => s.key)).toEqual([trueSku.key, neighbour.key, otherStore.key]);
    const merged = r.series[0];
    expect(Array.from(merged.demand)).toEqual(new Array(n).fill(4));
    expect(Array.from(merged.observed)).toEqual(new Array(n).fill(1));
    expect(merged.acceptedRows).toBe(60);
    // inputs untouched
    expect(trueSku.demand[12]).toBe(0);
  });

  it('merges a source that holds the true code\'s first days (the merged series starts earlier)', () => {
    // true sku lost days 0..2 and 30 to the typo: the ingested true series starts on day 3
    const lost = new Set([0, 1, 2, 30]);
    const a = series(Array.from({ length: n - 3 }, (_, t) => (lost.has(t + 3) ? 0 : 4)), { observed: Array.from({ length: n - 3 }, (_, t) => (lost.has(t + 3) ? 0 : 1)), sku: 'AB_1', start: START + 3 });
    const b = series(Array.from({ length: n }, (_, t) => (lost.has(t) ? 4 : 0)), { observed: Array.from({ length: n }, (_, t) => (lost.has(t) ? 1 : 0)), sku: 'BA_1' });
    const r = reconcileKeys([a, b]);
    expect(r.merges).toEqual([{ from: b.key, into: a.key, days: 4 }]);
    expect(r.series[0].start).toBe(START);
    expect(Array.from(r.series[0].demand)).toEqual(new Array(n).fill(4));
    expect(r.series[0].observed.every((o) => o === 1)).toBe(true);
    expect(Number.isNaN(r.series[0].price[0])).toBe(false); // price taken from the source
  });

  it('does not merge codes that sell on the same days', () => {
    const r = reconcileKeys([neighbour, series(new Array(n).fill(2), { sku: 'FOODS_1_035' })]);
    expect(r.merges).toEqual([]);
  });

  it('cleanBatch merges only for daily inputs and sums the counts', () => {
    const c = config();
    const b = cleanBatch([trueSku, typo, neighbour], c, daily);
    expect(b.counts.miskeyedSeriesMerged).toBe(1);
    expect(b.counts.miskeyedDaysMerged).toBe(10);
    expect(b.counts.series).toBe(3);
    expect(b.series.length).toBe(2);
    expect(b.counts.missingDaysFilled).toBe(0);
    const t = cleanBatch([trueSku, typo, neighbour], c, { kind: 'transactions' });
    expect(t.counts.miskeyedSeriesMerged).toBe(0);
    expect(t.series.length).toBe(3);
  });

  it('writes the action log as CSV', () => {
    const d = new Array(60).fill(4);
    d[30] = 100;
    const r = cleanSeries(series(d), config(), daily);
    const csv = cleaningLogCsv(r.log);
    expect(csv.split('\r\n')[0]).toBe('store,sku,date,action,before,after,detail');
    expect(csv.split('\r\n')[1]).toMatch(/^S1,A,2020-01-31,winsorise,100,10,/);
  });
});

describe('cleanSeries: weekly and monthly series', () => {
  const week = { kind: 'daily' as const, grid: periodGrid('week', 0) };

  it('converts the day-based spans to periods, rounding up', () => {
    const c = defaultConfig();
    expect(cleaningSpans(c, 'day')).toMatchObject({ stockoutMinRun: 14, stockoutContext: 56, outlierWindow: 28, maxTailFill: 28, fillStep: 7 });
    expect(cleaningSpans(c, 'week')).toEqual({ stockoutMinRun: 2, stockoutContext: 8, stockoutMinContext: 2, outlierWindow: 4, maxTailFill: 4, fillStep: 1, fillFallback: 4 });
    expect(cleaningSpans(c, 'month')).toEqual({ stockoutMinRun: 1, stockoutContext: 2, stockoutMinContext: 1, outlierWindow: 1, maxTailFill: 1, fillStep: 1, fillFallback: 1 });
  });

  it('fills a missing week from the neighbouring weeks, not from the same weekday seven periods away', () => {
    // weekly totals with zero weeks listed; week 4 has no row
    const demand = [10, 12, 0, 14, 0, 16, 10, 12, 11, 13, 12, 14];
    const observed = demand.map((_, i) => (i === 4 ? 0 : 1));
    const r = cleanSeries(series(demand, { observed }), config({ winsorise: false, stockoutsAsMissing: false }), { ...week, zerosListed: true });
    // the nearest 4 non-missing neighbours: weeks 3, 5, 2, 6 -> (14 + 16 + 0 + 10) / 4
    expect(r.series.demand[4]).toBeCloseTo(10, 12);
    expect(r.actions.missingDaysFilled).toBe(1);
  });

  it('keeps the zero weeks and months of a steady seller (stockout runs are filled in daily data only)', () => {
    // 3 zero periods between sales of a seller that sells every period: filled at daily, kept by week and month
    const d = new Array(40).fill(30);
    for (let t = 20; t < 23; t++) d[t] = 0;
    const opts = (frequency: 'week' | 'month') => ({ kind: 'daily' as const, grid: periodGrid(frequency, 0), zerosListed: true });
    for (const f of ['week', 'month'] as const) {
      const r = cleanSeries(series(d), config({ winsorise: false }), opts(f));
      expect(r.actions.stockoutDaysAsMissing).toBe(0);
      expect(Array.from(r.series.demand.subarray(20, 23))).toEqual([0, 0, 0]);
    }
    const long = new Array(100).fill(30);
    for (let t = 40; t < 60; t++) long[t] = 0;
    expect(cleanSeries(series(long), config({ winsorise: false }), daily).actions.stockoutDaysAsMissing).toBe(20);
  });

  it('dates cleaning.csv lines by the first day of their period', () => {
    const line = cleaningLogLine({ store: 'S', sku: 'A', day: periodOfDay(periodGrid('month'), 18262), code: 'gap_fill', before: NaN, after: 1, detail: 'seasonal' }, periodGrid('month'));
    expect(line.split(',')[2]).toBe('2020-01-01');
  });
});

describe('stockoutRuleNotes', () => {
  it('says so when the stockout rule is on but the period is weekly or monthly', () => {
    expect(stockoutRuleNotes(true, 'day')).toEqual([]);
    expect(stockoutRuleNotes(false, 'week')).toEqual([]);
    expect(stockoutRuleNotes(true, 'week')).toEqual([
      'cleaning.stockoutsAsMissing: applies to daily sales only; weekly totals keep their zero weeks (a whole week without a sale cannot be told from the sales alone to be a stockout)',
    ]);
    expect(stockoutRuleNotes(true, 'month')[0]).toMatch(/^cleaning\.stockoutsAsMissing: applies to daily sales only; monthly totals keep their zero months/);
  });
});

describe('mergedKeysWarning', () => {
  it('names every merge, since a successor code or another size would lose its own forecast and order line', () => {
    expect(mergedKeysWarning([])).toBeNull();
    const w = mergedKeysWarning([
      { from: 'S1\u0000TEE-13', into: 'S1\u0000TEE-12', days: 100 },
      { from: '\u0000A-1/3', into: '\u0000A-1/2', days: 4 },
    ])!;
    expect(w.code).toBe('miskeyed_skus_merged');
    expect(w.message).toMatch(/^2 skus were merged into a near-identical sku of the same store as mis-keyed rows .*they get no forecast or order line of their own; .*cleaning\.reconcileKeys to false/);
    expect(w.series).toEqual(['A-1/3 into A-1/2 (4 days)', 'S1/TEE-13 into TEE-12 (100 days)']);
  });
});
