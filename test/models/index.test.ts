import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODELS, getModel } from '../../models/index.js';
import type { Model, SeriesInput } from '../../models/types.js';

const H = 28;

/** Regressors for the regression model: a weekly flag and a price step, over history + horizon. */
function withRegressors(y: Float64Array): SeriesInput {
  const len = y.length + H;
  const flag = Float64Array.from({ length: len }, (_, t) => (t % 10 < 3 ? 1 : 0));
  const price = Float64Array.from({ length: len }, (_, t) => (t < len / 2 ? 2.5 : 2));
  return { y, season: 7, firstDow: 3, regressors: { names: ['snap', 'price'], values: [flag, price] } };
}

function checkModel(model: Model, y: Float64Array): void {
  const input = model.usesRegressors ? withRegressors(y) : { y, season: 7, firstDow: 3 };
  const state = model.fit(input);
  expect(state.model).toBe(model.name);
  expect(state.n).toBe(y.length);
  expect(state.sigma).toBeGreaterThanOrEqual(0);
  expect(Number.isFinite(state.sigma)).toBe(true);
  const f = model.forecast(state, H, input);
  expect(f.mean.length).toBe(H);
  expect(f.sd.length).toBe(H);
  for (let j = 0; j < H; j++) {
    if (!Number.isFinite(f.mean[j])) throw new Error(`${model.name}: mean[${j}] = ${f.mean[j]} for y = [${Array.from(y)}]`);
    if (!(f.sd[j] >= 0 && Number.isFinite(f.sd[j]))) throw new Error(`${model.name}: sd[${j}] = ${f.sd[j]} for y = [${Array.from(y)}]`);
    if (model.intermittent && f.mean[j] < 0) throw new Error(`${model.name}: negative mean ${f.mean[j]} for y = [${Array.from(y)}]`);
  }
  const fitted = model.fittedValues(state, input);
  expect(fitted.length).toBe(y.length);
  for (const v of fitted) expect(v === Infinity || v === -Infinity).toBe(false);
  const back = model.forecast(JSON.parse(JSON.stringify(state)), H, input);
  expect(Array.from(back.mean)).toEqual(Array.from(f.mean));
  expect(Array.from(back.sd)).toEqual(Array.from(f.sd));
}

describe('model registry', () => {
  it('lists every model under its own name; getModel names the unknown one', () => {
    for (const [key, m] of Object.entries(MODELS)) expect(m.name).toBe(key);
    expect(Object.keys(MODELS).sort()).toEqual(
      [
        'adida', 'croston', 'holt-damped', 'holt-winters', 'holt-winters-damped', 'imapa', 'moving-average', 'naive', 'regression', 'sba', 'ses', 'snaive', 'theta', 'tsb',
        'cal:snaive', 'cal:ses', 'cal:moving-average', 'cal:holt-winters', 'cal:holt-winters-damped', 'cal:theta', 'cal:yoy',
        'sa:ses', 'sa:holt-damped',
      ].sort(),
    );
    expect(getModel('ses')).toBe(MODELS.ses);
    expect(() => getModel('arima')).toThrow(/unknown model "arima"; known: /);
  });
});

// models needing a year and more (cal:yoy) have their contract tested in their own file
describe.each(Object.values(MODELS).filter((m) => m.minLength <= 150))('$name: contract properties', (model) => {
  it('random demand series: finite forecasts and sd, no negative intermittent mean, JSON-safe state', () => {
    const demand = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 40 })), {
      minLength: Math.max(model.minLength, 1),
      maxLength: 150,
    });
    fc.assert(
      fc.property(demand, (v) => checkModel(model, Float64Array.from(v))),
      { numRuns: 25, seed: 20240501 },
    );
  });

  it('all zeros, a constant, trailing zeros, the shortest accepted history', () => {
    checkModel(model, new Float64Array(60));
    checkModel(model, new Float64Array(60).fill(3));
    checkModel(model, Float64Array.from({ length: 60 }, (_, t) => (t < 40 ? 1 + (t % 7) : 0)));
    checkModel(model, Float64Array.from({ length: Math.max(model.minLength, 1) }, (_, t) => t + 1));
  });

  it('one observation: fits when minLength is 1, otherwise throws a message naming the model', () => {
    const one = Float64Array.of(5);
    if (model.minLength <= 1) checkModel(model, one);
    else expect(() => model.fit({ y: one, season: 7, firstDow: 0 })).toThrow(new RegExp(`^${model.name}\\.fit needs at least`));
  });
});
