import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../pipelines/dates.js';
import type { Calendar } from '../../../pipelines/forecast/calendar.js';
import { gbdtFeatureNames, gbdtRows, type GbdtSeries } from '../../../pipelines/forecast/gbdt-features.js';
import { designRow, fitRidge, predictRidge, ridgeDesign, sparseRow } from '../../../pipelines/forecast/pooled-ridge.js';

const start = dayFromYmd(2015, 1, 5);
const len = 500;
const flags = (every: number) => Array.from({ length: len + 60 }, (_, i) => (i % every === 0 ? 1 : 0));
const calendar: Calendar = { start, event: flags(30), eventTypes: { Cultural: flags(30), Sporting: flags(45) }, snap: { CA: flags(10) } };

function series(level: number, codes: [number, number, number]): GbdtSeries {
  const demand = Float64Array.from({ length: len }, (_, i) => level * (1 + ((i * 7919) % 13) / 13));
  return { demand, price: new Float64Array(len).fill(1), start, codes, snap: calendar.snap.CA };
}

describe('pooled ridge design', () => {
  const panel = [series(1, [0, 1, 0]), series(4, [1, 0, 2]), series(9, [2, 1, 1])];
  const rows = gbdtRows(panel, calendar, [start + 400, start + 430], 28, 0.1, 'diff');
  const names = gbdtFeatureNames(calendar);

  it('every row: columns rising, inside q, the intercept first; codes one-hot up to the largest seen', () => {
    for (const kind of ['expanded', 'intermittent', 'seasonal'] as const) {
    const d = ridgeDesign(names, rows.x, rows.n, kind);
    expect(d.codeWidths).toEqual([3, 2, 3]);
    const s = sparseRow(d);
    for (let r = 0; r < rows.n; r++) {
      const m = designRow(d, rows.x, r, s);
      expect(s.idx[0]).toBe(0);
      expect(s.val[0]).toBe(1);
      for (let a = 1; a < m; a++) expect(s.idx[a]).toBeGreaterThan(s.idx[a - 1]);
      expect(s.idx[m - 1]).toBeLessThan(d.q);
    }
    }
  });

  it('predictRidge: the design row times the weights; raw: the features and an intercept', () => {
    for (const kind of ['raw', 'expanded', 'intermittent', 'seasonal'] as const) {
      const model = fitRidge(names, rows.x, rows.y, rows.n, kind, 1)!;
      const pred = predictRidge(model, rows.x, rows.n);
      const s = sparseRow(model.design);
      for (let r = 0; r < rows.n; r += 7) {
        const m = designRow(model.design, rows.x, r, s);
        let v = 0;
        for (let a = 0; a < m; a++) v += model.weights[s.idx[a]] * s.val[a];
        expect(pred[r]).toBe(v);
      }
      if (kind === 'raw') expect(model.design.q).toBe(names.length + 1);
    }
  });
});
