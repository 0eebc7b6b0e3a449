import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../pipelines/dates.js';
import type { IngestResult } from '../../../pipelines/ingest/ingest.js';
import { periodGrid, periodOfDay } from '../../../pipelines/periods.js';
import { ingestToPeriods, seriesToPeriods, wholePeriods } from '../../../pipelines/prepare/to-periods.js';
import type { SeriesData } from '../../../pipelines/types.js';

const MON = dayFromYmd(2016, 2, 22); // a Monday
const week = periodGrid('week', 0);
const month = periodGrid('month');

function daily(start: number, demand: number[], price: number[] = demand.map(() => NaN)): SeriesData {
  return {
    key: 'S\u0000A', store: 'S', sku: 'A', start,
    demand: Float64Array.from(demand), returns: new Float64Array(demand.length), price: Float64Array.from(price),
    observed: new Uint8Array(demand.length).fill(1), issues: {}, acceptedRows: demand.length,
  };
}

describe('wholePeriods', () => {
  it('leaves out part weeks and months at either end when days are summed', () => {
    // Wednesday 2016-02-24 to Sunday 2016-03-13: the week of 02-22 is partial, 02-29 and 03-07 whole
    expect(wholePeriods(week, MON + 2, MON + 20, true)).toEqual({ first: periodOfDay(week, MON + 7), last: periodOfDay(week, MON + 20) });
    expect(wholePeriods(week, MON + 2, MON + 20, false).first).toBe(periodOfDay(week, MON));
    // 2016-01-15 to 2016-04-30: February and March whole, April ends on its last day
    const m = wholePeriods(month, dayFromYmd(2016, 1, 15), dayFromYmd(2016, 4, 30), true);
    expect(m).toEqual({ first: periodOfDay(month, dayFromYmd(2016, 2, 1)), last: periodOfDay(month, dayFromYmd(2016, 4, 1)) });
  });
});

describe('seriesToPeriods', () => {
  it('sums demand per week, averages the known prices and marks weeks with a row', () => {
    const days = [1, 2, 3, 4, 5, 6, 7, 10, 0, 0, 0, 0, 0, 0];
    const price = [2, 2, 2, 2, NaN, NaN, 4, NaN, NaN, NaN, NaN, NaN, NaN, NaN];
    const p0 = periodOfDay(week, MON);
    const w = seriesToPeriods(daily(MON, days, price), week, p0, p0 + 1)!;
    expect(w.start).toBe(p0);
    expect(Array.from(w.demand)).toEqual([28, 10]);
    expect(w.price[0]).toBeCloseTo(12 / 5, 12);
    expect(Number.isNaN(w.price[1])).toBe(true);
    expect(Array.from(w.observed)).toEqual([1, 1]);
  });

  it('starts a series that begins mid-week at its first week, and returns null without a row in range', () => {
    const p0 = periodOfDay(week, MON);
    const s = daily(MON + 10, [3, 3]);
    expect(seriesToPeriods(s, week, p0, p0 + 1)!.start).toBe(p0 + 1);
    expect(seriesToPeriods(s, week, p0, p0)).toBeNull();
  });
});

describe('ingestToPeriods', () => {
  it('sums every series and the trading days, and says which part-periods it left out', () => {
    const s = daily(MON + 2, new Array(19).fill(1)); // Wednesday to the Sunday two weeks on
    const ingest = {
      kind: 'daily', series: [s], start: s.start, end: s.start + 18,
      tradingDays: { start: s.start, all: new Uint8Array(19).fill(1), byStore: { S: new Uint8Array(19).fill(1) } },
    } as unknown as IngestResult;
    const r = ingestToPeriods(ingest, week, true);
    const p1 = periodOfDay(week, MON + 7);
    expect(r.ingest.start).toBe(p1);
    expect(r.ingest.end).toBe(p1 + 1);
    expect(Array.from(r.ingest.series[0].demand)).toEqual([7, 7]);
    expect(Array.from(r.ingest.tradingDays.byStore.S)).toEqual([1, 1]);
    expect(r.warnings.map((w) => w.code)).toEqual(['part_period']);
    expect(r.warnings[0].message).toMatch(/starts on 2016-02-24, part of the way into the week of 2016-02-22/);
    // a weekly file's own dates stand for whole weeks: nothing left out
    expect(ingestToPeriods(ingest, week, false).warnings).toEqual([]);
  });
});
