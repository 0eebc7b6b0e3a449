import { describe, expect, it } from 'vitest';
import type { SeriesForecast } from '../../../pipelines/forecast/forecast-series.js';
import { buildHierarchy } from '../../../pipelines/hierarchy/levels.js';
import { chooseMethod, reconcileForecasts } from '../../../pipelines/hierarchy/reconcile.js';
import type { BacktestTrace } from '../../../pipelines/hierarchy/trace.js';

/** A forecast with a hand-made trace: K = 2 origins of H = 1 day, scale 1. */
function fc(store: string, sku: string, mean: number, actuals: number[], forecasts: number[], recent: number[]): SeriesForecast {
  const trace: BacktestTrace = {
    origins: [10, 11], horizon: 1, actuals: actuals.map((a) => [a]), forecasts: forecasts.map((f) => [f]), sds: [[1], [1]],
    scales: [1, 1], sd: [1], discrete: true, recent,
  };
  return {
    store, sku, demandClass: 'smooth', model: 'x', fallback: null, mean: [mean], lo: {}, hi: {},
    accuracy: { mase: null, rmsse: null, wape: null, bias: null, fva: null, snaiveRmsse: null, origins: 2 }, leadTimeSd: [1], recentSales: [], trace,
  };
}

describe('reconcileForecasts', () => {
  const h = buildHierarchy([{ store: 'S', sku: 'b1' }, { store: 'S', sku: 'b2' }], ['total']);
  // actuals: b1 and b2 sell 2 then 4; the total's own forecasts are exact, b1 forecasts twice its
  // demand and b2 nothing
  const total = fc('', 'total', 6, [4, 8], [4, 8], [2, 2, 4]);
  const b1 = fc('S', 'b1', 10, [2, 4], [4, 8], [1, 1, 1]);
  const b2 = fc('S', 'b2', 0, [2, 4], [0, 0], [1, 1, 3]);
  const options = { methods: ['bottom-up', 'top-down:total'], levels: [80, 95], quantiles: [0.25, 0.5, 0.75], weights: [1, 1] };
  it('scores each method over the levels and chooses the best (hand-computed)', () => {
    const r = reconcileForecasts(h, [total], [b1, b2], options);
    // bottom-up: total errors 0; bottom RMSSE 2 and 2 at origin 1, 4 and 4 at origin 2
    // -> level means (0 + 2) / 2 = 1 and (0 + 4) / 2 = 2 -> 1.5
    expect(r.scores[0]).toMatchObject({ method: 'bottom-up', failed: null });
    expect(r.scores[0].score).toBeCloseTo(1.5, 12);
    expect(r.scores[0].levels).toEqual({ total: 0, 'store/sku': 3 });
    // top-down by the last proportions (1:1 at both origins) is exact
    expect(r.scores[1].score).toBeCloseTo(0, 12);
    expect(r.method).toBe('top-down:total');
    expect(r.lambda).toBeNull();
    // final: total 6 split by the recent demand before the forecast, 1:3
    expect(r.bottom[0].mean[0]).toBeCloseTo(1.5, 12);
    expect(r.bottom[1].mean[0]).toBeCloseTo(4.5, 12);
    expect(r.nodes[0]).toMatchObject({ level: 'total', key: 'total' });
    expect(r.nodes[0].mean[0]).toBeCloseTo(6, 12);
    expect(r.nodes[0].rmsse).toBe(0);
  });
  it('publishes coherent means, nested intervals and monotone quantiles for every node', () => {
    const r = reconcileForecasts(h, [total], [b1, b2], { ...options, methods: ['bottom-up'] });
    expect(r.nodes[0].mean[0]).toBeCloseTo(r.bottom[0].mean[0] + r.bottom[1].mean[0], 12);
    for (const n of [...r.nodes, ...r.bottom]) {
      expect(n.lo['95'][0]).toBeLessThanOrEqual(n.lo['80'][0]);
      expect(n.hi['95'][0]).toBeGreaterThanOrEqual(n.hi['80'][0]);
      expect(n.quantiles).toHaveLength(3);
      expect(n.quantiles[0][0]).toBeLessThanOrEqual(n.quantiles[1][0]);
      expect(n.quantiles[1][0]).toBeLessThanOrEqual(n.quantiles[2][0]);
    }
    expect(r.bottom[0].leadTimeSd).toHaveLength(1);
  });
  it('records a candidate that cannot run and refuses forecasts without traces', () => {
    const r = reconcileForecasts(h, [total], [b1, b2], { ...options, methods: ['bottom-up', 'mint-shrink'] });
    // leaving one of two one-day origins out leaves MinT one error occasion: it cannot run
    expect(r.scores[1].failed).toMatch(/at least 2 error occasions/);
    expect(r.scores[1].score).toBeNaN();
    expect(r.method).toBe('bottom-up');
    const { trace: _t, ...bare } = b1;
    expect(() => reconcileForecasts(h, [total], [bare, b2], options)).toThrow(/no backtest trace/);
    expect(() => reconcileForecasts(h, [total], [b1], options)).toThrow(/2 bottom forecasts/);
    expect(() => reconcileForecasts(h, [total], [b1, b2], { ...options, methods: ['top-down:store'] })).toThrow(/no level "store"/);
  });
  it('reconciles bottom-up, unscored, when no candidate can be scored (no scale: a history shorter than the backtest)', () => {
    const unscaled = (f: SeriesForecast): SeriesForecast => ({ ...f, trace: { ...f.trace!, scales: [null, null] } });
    const r = reconcileForecasts(h, [unscaled(total)], [unscaled(b1), unscaled(b2)], { ...options, methods: ['top-down:total', 'wls'] });
    expect(r.scores.map((s) => s.score)).toEqual([NaN, NaN]);
    expect(r.method).toBe('bottom-up');
    expect(r.scored).toBe(false);
    // the bottom series' own forecasts, summed
    expect(r.bottom.map((b) => b.mean[0])).toEqual([10, 0]);
    expect(r.nodes[0].mean[0]).toBe(10);
    expect(reconcileForecasts(h, [total], [b1, b2], options).scored).toBe(true);
  });
});

describe('chooseMethod', () => {
  it('keeps the first candidate unless another is better by more than the margin', () => {
    expect(chooseMethod([{ score: 1 }, { score: 0.96 }], 0.05)).toBe(0);
    expect(chooseMethod([{ score: 1 }, { score: 0.94 }, { score: 0.9 }], 0.05)).toBe(2);
    expect(chooseMethod([{ score: NaN }, { score: 2 }], 0.05)).toBe(1);
    expect(chooseMethod([{ score: NaN }], 0.05)).toBe(-1);
    expect(chooseMethod([{ score: 1 }, { score: 0.99 }], 0)).toBe(1);
  });
});
