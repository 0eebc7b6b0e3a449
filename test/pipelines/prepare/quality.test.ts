import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { ingestFile, ingestStream } from '../../../pipelines/ingest/ingest.js';
import { outlierMask, profileQuality, qualityScore, stockoutMask } from '../../../pipelines/prepare/quality.js';

const config = parseConfig({});
const ones = (n: number) => new Uint8Array(n).fill(1);

describe('qualityScore', () => {
  const perfect = { completeness: 1, validity: 1, stockoutShare: 0, outlierShare: 0, stalenessDays: 0, historyDays: 365, returnShare: 0, zeroPriceShare: 0 };

  it('is 100 for a year of clean history and loses each weight in full', () => {
    expect(qualityScore(perfect)).toBe(100);
    expect(qualityScore({ ...perfect, completeness: 0 })).toBe(75);
    expect(qualityScore({ ...perfect, validity: 0 })).toBe(80);
    expect(qualityScore({ ...perfect, stockoutShare: 1 })).toBe(85);
    expect(qualityScore({ ...perfect, outlierShare: 0.1 })).toBe(90);
    expect(qualityScore({ ...perfect, stalenessDays: 90 })).toBe(90);
    expect(qualityScore({ ...perfect, historyDays: 0 })).toBe(90);
    expect(qualityScore({ ...perfect, returnShare: 1 })).toBe(95);
    expect(qualityScore({ ...perfect, zeroPriceShare: 1 })).toBe(95);
    expect(qualityScore({ completeness: 0, validity: 0, stockoutShare: 1, outlierShare: 1, stalenessDays: 999, historyDays: 0, returnShare: 1, zeroPriceShare: 1 })).toBe(0);
  });
});

describe('profileQuality on a hand-computed daily series', () => {
  it('gives every dimension and the score', async () => {
    const csv = [
      'date,store,sku,qty,price',
      '2024-01-01,S1,A,5,2',
      '2024-01-02,S1,A,5,2',
      '2024-01-02,S1,A,5,2', // duplicate_row: rejected
      '2024-01-03,S1,A,5,0', // zero_price: kept
      '2024-01-04,S1,A,x,2', // bad_quantity: rejected, so the 4th is missing
      '2024-01-05,S1,A,5,2',
      '2024-01-06,S1,A,5,2',
      '2024-01-07,S1,A,0,2',
      '2024-01-08,S1,A,5,2',
      '2024-01-09,S1,A,50,2', // outlier
      '2024-01-10,S1,A,5,2',
    ].join('\n');
    const ingest = await ingestStream([csv], { config, runDay: dayFromYmd(2024, 1, 10) });
    const { series, batch } = profileQuality(ingest, config);
    expect(series).toHaveLength(1);
    const q = series[0];
    // selling days 5,5,5,5,5,5,50,5: median 5, MAD 0, limit 5 * max(0, sqrt 5, 1) = 11.18, so 50 is out
    expect(q).toMatchObject({
      store: 'S1',
      sku: 'A',
      firstSale: '2024-01-01',
      lastSale: '2024-01-10',
      historyDays: 10,
      completeness: 0.9,
      missingDays: 1,
      rejectedRows: 2,
      duplicateRows: 1,
      returnRows: 0,
      outlierDays: 1,
      stockoutDays: 0,
      stalenessDays: 0,
      zeroPriceRows: 1,
    });
    expect(q.validity).toBeCloseTo(9 / 11, 12);
    // penalties: 25*0.1 + 20*(2/11) + 10*min(1, 10*(1/8)) + 10*(1 - 10/365) + 5*(1/9)
    //          = 2.5 + 3.6364 + 10 + 9.7260 + 0.5556 = 26.418  ->  100 - 26.418 = 73.58
    expect(q.score).toBe(73.6);
    expect(batch).toMatchObject({ seriesCount: 1, meanScore: 73.6, medianScore: 73.6, minScore: 73.6, noTradeDays: 1, outlierDays: 1, start: '2024-01-01', end: '2024-01-10' });
    expect(batch.noTradeDates).toEqual(['2024-01-04']);
    expect(batch.issueCounts).toEqual({ duplicate_row: 1, bad_quantity: 1, zero_price: 1, outlier: 1 });
  });

  it('transaction lines: a day the whole store reported nothing is missing for its series', async () => {
    const csv = [
      'InvoiceNo,StockCode,Quantity,InvoiceDate,Store',
      '1,A,1,2024-01-01 10:00,S',
      '1,K,1,2024-01-01 10:00,S',
      '2,K,1,2024-01-02 10:00,S', // A has no line on the 2nd: the shop was open, A sold nothing
      '3,A,1,2024-01-04 10:00,S', // nobody bought anything on the 3rd
      '3,K,1,2024-01-04 10:00,S',
    ].join('\n');
    const ingest = await ingestStream([csv], { config, runDay: dayFromYmd(2024, 1, 4) });
    const { series, batch } = profileQuality(ingest, config);
    expect(series.map((q) => [q.sku, q.completeness, q.missingDays])).toEqual([
      ['A', 0.75, 1],
      ['K', 0.75, 1],
    ]);
    expect(batch.kind).toBe('transactions');
    expect(batch.noTradeDates).toEqual(['2024-01-03']);
  });
});

describe('profileQuality on the bundled M5 sample', () => {
  it('finds the planted spike and the 68-day stockout listed in data/README.md', async () => {
    const ingest = await ingestFile(fileURLToPath(new URL('../../../data/sample-sales.csv', import.meta.url)), { config, runDay: dayFromYmd(2016, 3, 27) });
    const { series, batch } = profileQuality(ingest, config);
    const spiky = ingest.series.findIndex((s) => s.store === 'CA_1' && s.sku === 'FOODS_1_218');
    const s = ingest.series[spiky];
    expect(outlierMask(s.demand, s.observed, config.validation.outlierThreshold)[dayFromYmd(2015, 8, 8) - s.start]).toBe(1);
    expect(series[spiky].outlierDays).toBeGreaterThanOrEqual(1);
    const out = series.find((q) => q.store === 'TX_1' && q.sku === 'HOUSEHOLD_1_521')!;
    expect(out.stockoutDays).toBe(68);
    // intermittent items keep their long gaps without a stockout flag
    expect(series.find((q) => q.store === 'TX_1' && q.sku === 'HOUSEHOLD_2_448')!.stockoutDays).toBe(0);
    expect(series.find((q) => q.store === 'TX_1' && q.sku === 'FOODS_1_218')!.missingDays).toBe(1);
    expect(batch.seriesCount).toBe(8);
    expect(batch.noTradeDays).toBe(0);
  });
});

describe('outlierMask', () => {
  it('uses the median and 1.4826 MAD, floored at sqrt(median)', () => {
    // sorted 7 8 9 10 10 11 12 13 40: median 10; |x - 10| sorted 0 0 1 1 2 2 3 3 30: MAD 2;
    // s = max(1.4826 * 2, sqrt(10), 1) = 3.162; limit 5 * 3.162 = 15.8: only 40 is out
    const y = Float64Array.from([10, 12, 8, 11, 9, 10, 13, 7, 40]);
    expect(Array.from(outlierMask(y, ones(9), 5))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // with k = 1 the limit is 3.16: deviations of 3 (13 and 7) stay in, only 40 is out
    expect(Array.from(outlierMask(y, ones(9), 1))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // with k = 0.5 the limit is 1.58: 12, 8, 13, 7, 40 are out
    expect(Array.from(outlierMask(y, ones(9), 0.5))).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 1]);
  });

  it('ignores zero and closed days, and series with fewer than 8 selling days', () => {
    const y = Float64Array.from([1, 0, 1, 1, 0, 1, 1, 1, 1, 30, 90]);
    const open = ones(11);
    open[10] = 0;
    expect(Array.from(outlierMask(y, open, 5))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(outlierMask(Float64Array.from([1, 1, 1, 1, 1, 1, 50]), ones(7), 5))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(() => outlierMask(y, ones(3), 5)).toThrow(/same length/);
  });
});

describe('stockoutMask', () => {
  it('flags a long zero run in a series that almost always sells', () => {
    const y = new Float64Array(100).fill(3);
    for (let i = 40; i < 54; i++) y[i] = 0; // 14 days
    y[10] = 0;
    y[70] = 0;
    // p = 16/100 zero days; E = 86 * 0.84 * 0.16^14 = 5e-10 runs expected: improbable
    const m = stockoutMask(y, ones(100), 14);
    expect(Array.from(m).reduce((a, b) => a + b, 0)).toBe(14);
    expect(m[40] + m[53]).toBe(2);
    expect(m[10] + m[70] + m[39] + m[54]).toBe(0);
    // one day shorter than the minimum run: nothing
    y[53] = 3;
    expect(Array.from(stockoutMask(y, ones(100), 14)).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('leaves intermittent items alone: long runs are likely for them', () => {
    const y = new Float64Array(200);
    for (let i = 0; i < 200; i += 10) y[i] = 1;
    for (let i = 100; i < 121; i++) y[i] = 0; // a 39-day gap (91..129) among 9-day gaps
    // selling period 0..190: p = 174/191 = 0.911; E = 177 * 0.089 * 0.911^14 = 4.3 runs expected, P = 0.99
    expect(Array.from(stockoutMask(y, ones(200), 14)).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('skips closed days inside a run without counting them, and ignores zeros outside the selling period', () => {
    const y = new Float64Array(60).fill(2);
    for (let i = 20; i < 37; i++) y[i] = 0; // 17 calendar days
    const open = ones(60);
    open[25] = open[26] = open[32] = 0; // 3 of them shut: 14 open zero days
    for (let i = 0; i < 5; i++) y[i] = 0; // before the first sale: not a stockout
    const m = stockoutMask(y, open, 14);
    expect(Array.from(m).reduce((a, b) => a + b, 0)).toBe(14);
    expect(m[25]).toBe(0);
    expect(m[0]).toBe(0);
  });
});
