import { describe, expect, it } from 'vitest';
import { analyseImpact, analyseImpactOf, defectRates, impactCsv, qualityBands, type ImpactForecastInput } from '../../../pipelines/publish/quality-impact.js';
import type { SeriesForecast } from '../../../pipelines/forecast/forecast-series.js';
import type { SeriesQuality } from '../../../pipelines/types.js';

function quality(sku: string, over: Partial<SeriesQuality> = {}): SeriesQuality {
  return {
    store: 'S1',
    sku,
    firstSale: '2020-01-01',
    lastSale: '2020-04-09',
    historyDays: 100,
    completeness: 1,
    missingDays: 0,
    validity: 1,
    rejectedRows: 0,
    duplicateRows: 0,
    returnRows: 0,
    outlierDays: 0,
    stockoutDays: 0,
    stalenessDays: 0,
    zeroPriceRows: 0,
    score: 100,
    ...over,
  };
}

describe('qualityBands', () => {
  it('gives quintiles of the midrank, ties in one band', () => {
    expect(qualityBands([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // 4 tied lowest: midrank 2.5 -> 1 + floor(5 * 1.5 / 8) = 1; the rest rank 5..8 -> bands 3, 4, 4, 5
    expect(qualityBands([50, 50, 50, 50, 60, 70, 80, 90])).toEqual([1, 1, 1, 1, 3, 4, 4, 5]);
  });
});

describe('analyseImpactOf', () => {
  // The same data as this R session:
  // > missing <- c(0.00,0.05,0.10,0.02,0.20,0.00,0.15,0.08,0.03,0.12,0.00,0.25,0.06,0.01,0.09)
  // > outl    <- c(0.01,0.00,0.02,0.05,0.01,0.03,0.00,0.04,0.02,0.01,0.06,0.00,0.03,0.02,0.05)
  // > cls     <- c("smooth","smooth","lumpy","smooth","lumpy","intermittent","smooth","lumpy","smooth","intermittent","smooth","lumpy","smooth","intermittent","smooth")
  // > vol     <- c(5,2,0.5,8,0.3,1,3,0.7,6,0.9,10,0.4,4,1.2,7)
  // > err     <- c(0.71,0.93,1.25,0.80,1.52,1.02,1.10,1.20,0.77,1.18,0.85,1.70,0.90,1.00,0.95)
  // > cl <- factor(cls, levels = c("smooth","lumpy","intermittent"))
  // > summary(lm(err ~ missing + outl + cl + log1p(vol)))
  //                  Estimate    Std. Error       t value
  // (Intercept)     0.8243464693 0.13514767939  6.0995976623
  // missing         2.4478008560 0.31467590896  7.7787996675
  // outl            1.3070364476 1.60166220876  0.8160500013
  // cllumpy         0.2072743178 0.12750300956  1.6256425514
  // clintermittent  0.1516524234 0.09894471496  1.5326985729
  // log1p(vol)     -0.0586933912 0.09077604868 -0.6465735406
  // Multiple R-squared: 0.9722962529
  const missing = [0.0, 0.05, 0.1, 0.02, 0.2, 0.0, 0.15, 0.08, 0.03, 0.12, 0.0, 0.25, 0.06, 0.01, 0.09];
  const outl = [0.01, 0.0, 0.02, 0.05, 0.01, 0.03, 0.0, 0.04, 0.02, 0.01, 0.06, 0.0, 0.03, 0.02, 0.05];
  const cls = ['smooth', 'smooth', 'lumpy', 'smooth', 'lumpy', 'intermittent', 'smooth', 'lumpy', 'smooth', 'intermittent', 'smooth', 'lumpy', 'smooth', 'intermittent', 'smooth'];
  const vol = [5, 2, 0.5, 8, 0.3, 1, 3, 0.7, 6, 0.9, 10, 0.4, 4, 1.2, 7];
  const err = [0.71, 0.93, 1.25, 0.8, 1.52, 1.02, 1.1, 1.2, 0.77, 1.18, 0.85, 1.7, 0.9, 1.0, 0.95];
  const q = missing.map((m, i) => quality(`K${i}`, { completeness: 1 - m, outlierDays: outl[i] * 100, score: 100 - 200 * m - 100 * outl[i] }));
  const f: ImpactForecastInput[] = err.map((e, i) => ({ store: 'S1', sku: `K${i}`, rmsse: e, demandClass: cls[i], volume: vol[i] }));
  const result = analyseImpactOf(q, f);

  it('reproduces R lm() coefficients, standard errors and R²', () => {
    const reg = result.summary.regression!;
    const by = Object.fromEntries(reg.coefficients.map((c) => [c.term, c]));
    expect(by.missing.estimate).toBeCloseTo(2.447800856, 7);
    expect(by.missing.stdError).toBeCloseTo(0.31467590896, 7);
    expect(by.missing.t).toBeCloseTo(7.7787996675, 6);
    expect(by.outliers.estimate).toBeCloseTo(1.3070364476, 6);
    expect(by['class:lumpy'].estimate).toBeCloseTo(0.2072743178, 7);
    expect(by['class:intermittent'].estimate).toBeCloseTo(0.1516524234, 7);
    expect(by.log_volume.estimate).toBeCloseTo(-0.0586933912, 7);
    expect(by['(intercept)'].estimate).toBeCloseTo(0.8243464693, 7);
    expect(reg.r2).toBeCloseTo(0.9722962529, 8);
    expect(reg.dropped).toEqual(['invalid', 'duplicates', 'returns', 'stockouts', 'staleness', 'zero_price']);
  });

  it('ranks defects by coefficient x mean rate', () => {
    const mMissing = missing.reduce((a, b) => a + b, 0) / 15; // 0.0773...
    const mOutl = outl.reduce((a, b) => a + b, 0) / 15; // 0.0233...
    expect(result.summary.defectCost.map((d) => d.defect)).toEqual(['missing', 'outliers']);
    expect(result.summary.defectCost[0].costRmsse).toBeCloseTo(2.447800856 * mMissing, 6);
    expect(result.summary.defectCost[1].costRmsse).toBeCloseTo(1.3070364476 * mOutl, 6);
    expect(result.summary.topDefect).toBe('missing');
  });

  it('reports the rank correlation and the bands', () => {
    const s = result.summary;
    expect(s.series).toBe(15);
    expect(s.spearman).toBeLessThan(-0.5); // lower score, higher error in this data
    expect(s.bands.reduce((a, b) => a + b.series, 0)).toBe(15);
    expect(s.bands[0].band).toBe(1);
    expect(s.bands[0].meanRmsse).toBeGreaterThan(s.bands[s.bands.length - 1].meanRmsse);
  });

  it('writes one CSV line per joined series', () => {
    const csv = impactCsv(result.rows).split('\r\n');
    expect(csv[0]).toBe('store,sku,score,band,rmsse,class,volume,missing_rate,invalid_rate,duplicates_rate,returns_rate,outliers_rate,stockouts_rate,staleness_rate,zero_price_rate');
    expect(csv.length).toBe(15 + 2);
  });
});

describe('analyseImpact edge cases', () => {
  it('skips unscored series and explains a missing regression', () => {
    const q = [quality('A', { completeness: 0.9, score: 80 }), quality('B', { score: 95 }), quality('C', { score: 70, completeness: 0.8 })];
    const f: ImpactForecastInput[] = [
      { store: 'S1', sku: 'A', rmsse: 1.2, demandClass: 'smooth', volume: 1 },
      { store: 'S1', sku: 'B', rmsse: null, demandClass: 'smooth', volume: 1 },
      { store: 'S1', sku: 'C', rmsse: 1.4, demandClass: 'smooth', volume: 1 },
    ];
    const r = analyseImpactOf(q, f);
    expect(r.rows.map((x) => x.sku)).toEqual(['A', 'C']);
    expect(r.summary.regression).toBeNull();
    expect(r.summary.spearman).toBeNull();
    expect(r.summary.notes.join(' ')).toMatch(/at least 3/);
    expect(r.summary.notes.join(' ')).toMatch(/regression needs more than/);
  });

  it('rejects scores outside 0..100', () => {
    expect(() => analyseImpactOf([quality('A', { score: 120 })], [])).toThrow(/scores in \[0, 100\]/);
  });

  it('reads SeriesForecast records', () => {
    const fc = (sku: string, rmsse: number): SeriesForecast => ({
      store: 'S1',
      sku,
      demandClass: 'smooth',
      model: 'ses',
      fallback: null,
      mean: [2, 2],
      lo: {},
      hi: {},
      accuracy: { mase: 1, rmsse, wape: 0.5, bias: 0, fva: 0.1, snaiveRmsse: 1.1, origins: 3 },
      leadTimeSd: [1, 1.4],
      recentSales: [],
    });
    const r = analyseImpact([quality('A', { score: 90 }), quality('B', { score: 60 }), quality('C', { score: 75 })], [fc('A', 0.8), fc('B', 1.3), fc('C', 1.0)]);
    expect(r.rows.map((x) => x.volume)).toEqual([2, 2, 2]);
    expect(r.summary.spearman).toBeCloseTo(-1, 12);
  });

  it('turns a profile into defect rates', () => {
    const d = defectRates(quality('A', { completeness: 0.75, validity: 0.9, duplicateRows: 5, stalenessDays: 10, historyDays: 50 }));
    expect(d.missing).toBeCloseTo(0.25, 12);
    expect(d.invalid).toBeCloseTo(0.1, 12);
    expect(d.duplicates).toBe(0.1);
    expect(d.staleness).toBe(0.2);
    expect(d.returns).toBe(0);
  });
});
