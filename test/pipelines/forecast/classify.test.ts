import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { MODELS } from '../../../models/index.js';
import { ADI_CUTOFF, CALENDAR_MIN_DEMAND, CLASS_CANDIDATES, CV2_CUTOFF, candidatesFor, classifyDemand } from '../../../pipelines/forecast/classify.js';

const y = (...v: number[]) => Float64Array.from(v);

describe('classifyDemand (Syntetos, Boylan & Croston 2005)', () => {
  it('uses the published cut-offs', () => {
    expect(ADI_CUTOFF).toBe(1.32);
    expect(CV2_CUTOFF).toBe(0.49);
  });
  it('puts each quadrant in its class (hand-computed ADI and CV²)', () => {
    expect(classifyDemand(y(5, 5, 5, 5, 5)).demandClass).toBe('smooth');
    // sizes 1,10,1,10: mean 5.5, population variance 20.25 -> CV² 0.669
    const erratic = classifyDemand(y(1, 10, 1, 10));
    expect(erratic.demandClass).toBe('erratic');
    expect(erratic.cv2).toBeCloseTo(20.25 / 30.25, 12);
    // from the first sale (index 1): 5 periods, 3 sales -> ADI 5/3
    const inter = classifyDemand(y(0, 3, 0, 3, 0, 3));
    expect(inter).toMatchObject({ demandClass: 'intermittent', nonZero: 3, periods: 5, cv2: 0 });
    expect(inter.adi).toBeCloseTo(5 / 3, 12);
    // 8 periods from index 1, 4 sales -> ADI 2; sizes 1,10,1,10
    expect(classifyDemand(y(0, 1, 0, 0, 10, 0, 1, 0, 10)).demandClass).toBe('lumpy');
    expect(classifyDemand(y(0, 0, 0)).demandClass).toBe('none');
  });
  it('counts from the first sale: leading zeros do not raise ADI', () => {
    expect(classifyDemand(y(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2)).adi).toBe(1);
  });
  it('puts values exactly at the cut-offs in the upper class', () => {
    // 33 periods with 25 sales -> ADI 1.32 exactly
    const v = new Float64Array(33).fill(1);
    for (const i of [3, 7, 11, 15, 19, 23, 27, 31]) v[i] = 0;
    const p = classifyDemand(v);
    expect(p.adi).toBe(1.32);
    expect(p.demandClass).toBe('intermittent');
    // sizes 3 and 17: mean 10, variance 49 -> CV² 0.49 exactly
    const q = classifyDemand(y(3, 17, 3, 17));
    expect(q.cv2).toBe(0.49);
    expect(q.demandClass).toBe('erratic');
  });
  it('rejects negative or non-finite demand', () => {
    expect(() => classifyDemand(y(1, -1))).toThrow(/classifyDemand needs finite non-negative demand/);
    expect(() => classifyDemand(y(1, NaN))).toThrow(/classifyDemand/);
  });
});

describe('candidatesFor', () => {
  it('takes the class row restricted to registered models, in table order', () => {
    const cfg = defaultConfig();
    const got = candidatesFor('intermittent', cfg);
    expect(got).toEqual(CLASS_CANDIDATES.intermittent.filter((n) => MODELS[n]));
    expect(got).toContain('snaive');
    expect(candidatesFor('none', cfg)).toEqual([]);
  });
  it('uses the configured list when given, and rejects unknown names', () => {
    const cfg = defaultConfig();
    cfg.models.candidates = ['naive', 'snaive', 'naive'];
    expect(candidatesFor('smooth', cfg)).toEqual(['naive', 'snaive']);
    cfg.models.candidates = ['naive', 'no-such-model'];
    expect(() => candidatesFor('smooth', cfg)).toThrow(/unknown model\(s\) in models.candidates: no-such-model/);
  });
});

describe('candidatesFor: calendar-adjusted models for high volume', () => {
  it('swaps in the cal: twins for smooth and erratic series selling CALENDAR_MIN_DEMAND a day or more', () => {
    const config = defaultConfig();
    const plain = candidatesFor('smooth', config, 'day', CALENDAR_MIN_DEMAND - 1);
    expect(plain).toEqual([...CLASS_CANDIDATES.smooth]);
    const high = candidatesFor('erratic', config, 'day', CALENDAR_MIN_DEMAND);
    expect(high).toEqual([...CLASS_CANDIDATES.erratic.map((n) => (n === 'regression' ? n : `cal:${n}`)), 'cal:yoy']);
    // intermittent demand keeps its candidates whatever the volume
    expect(candidatesFor('lumpy', config, 'day', 1000)).toEqual([...CLASS_CANDIDATES.lumpy]);
    // weekly data keeps its own candidates (the effects are estimated on days)
    expect(candidatesFor('smooth', config, 'week', 1000).some((n) => n.startsWith('cal:'))).toBe(false);
  });
});
