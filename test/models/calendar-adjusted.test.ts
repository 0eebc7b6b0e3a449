import { describe, expect, it } from 'vitest';
import { adjusted, calendarAdjusted, calendarEffects, closedDays } from '../../models/calendar-adjusted.js';
import { MODELS } from '../../models/index.js';
import type { SeriesInput } from '../../models/types.js';

/** 70 days: level 10 with a day-of-week pattern; +6 on event days (every 9th day), over 70 + 7 days of regressors. */
function input(): SeriesInput {
  const n = 70;
  const h = 7;
  const event = new Float64Array(n + h);
  for (let t = 0; t < n + h; t++) if (t % 9 === 4) event[t] = 1;
  const dow = [0, 1, 2, 3, 2, 5, -1];
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) y[t] = 10 + dow[t % 7] + 6 * event[t];
  return { y, season: 7, firstDow: 0, regressors: { names: ['event', 'price'], values: [event, new Float64Array(n + h).fill(3)] } };
}

describe('calendar-adjusted models', () => {
  it('estimate the calendar effect beside trend and weekday, leaving price out (exact data)', () => {
    const e = calendarEffects(input());
    expect(e.names).toEqual(['event']); // price is constant here and never a calendar effect
    expect(e.beta[0]).toBeCloseTo(6, 9);
  });
  it('forecast the inner model on the adjusted series plus the effects of the horizon', () => {
    // seasonal naive on the adjusted series repeats the weekday pattern; the event of day 76 adds 6
    const model = calendarAdjusted(MODELS.snaive);
    const x = input();
    const fc = model.forecast(model.fit(x), 7, x);
    const dow = [0, 1, 2, 3, 2, 5, -1];
    for (let j = 0; j < 7; j++) {
      const t = 70 + j;
      expect(fc.mean[j]).toBeCloseTo(10 + dow[t % 7] + (t % 9 === 4 ? 6 : 0), 9);
    }
    expect(JSON.parse(JSON.stringify(model.fit(x)))).toMatchObject({ model: 'cal:snaive', effects: { names: ['event'] } });
  });
  it('adjust an input once per set of effects (the memo returns what a fresh input gives)', () => {
    const x = input();
    const e = calendarEffects(x);
    const a = adjusted(x, e);
    expect(adjusted(x, e)).toBe(a);
    // the same series in a new input object: a fresh adjustment with the same values (y - 6 on event days)
    const fresh = adjusted({ ...x }, e);
    expect(fresh).not.toBe(a);
    expect(Array.from(a.y)).toEqual(Array.from(fresh.y));
    for (let t = 0; t < 70; t++) expect(a.y[t]).toBeCloseTo(x.y[t] - (t % 9 === 4 ? 6 : 0), 9);
    // other effects for the same input object: adjusted again with them
    const none = { names: [], beta: [], closed: [] };
    expect(Array.from(adjusted(x, none).y)).toEqual(Array.from(x.y));
    expect(adjusted(x, none).regressors).toBeUndefined();
  });
  it('are the inner model when no calendar regressor varies', () => {
    const x: SeriesInput = { y: Float64Array.from({ length: 30 }, (_, t) => t % 7), season: 7, firstDow: 0 };
    const a = MODELS['cal:ses'];
    const b = MODELS.ses;
    expect(Array.from(a.forecast(a.fit(x), 3, x).mean)).toEqual(Array.from(b.forecast(b.fit(x), 3, x).mean));
    expect(() => calendarAdjusted(MODELS.regression)).toThrow(/uses regressors itself/);
  });
});

/**
 * 400 days from a Monday: 100 a day + 10 on Saturdays (t % 7 === 5) + 30 on event days (20, 30,
 * 100, 200, 300, 390; 402 and 404 in the 7-day horizon), except day 37, an event day the shop was
 * closed (sales 0), and day 50, a plain day it was closed (sales 2). Day 402 is 365 days after 37.
 */
function withClosures(): SeriesInput {
  const n = 400;
  const h = 7;
  const event = new Float64Array(n + h);
  for (const t of [20, 30, 37, 100, 200, 300, 390, 402, 404]) event[t] = 1;
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) y[t] = 100 + (t % 7 === 5 ? 10 : 0) + 30 * event[t];
  y[37] = 0; // closed on its event day
  y[50] = 2; // closed on a plain day (no event)
  return { y, season: 7, firstDow: 0, regressors: { names: ['event'], values: [event] } };
}

describe('closed days', () => {
  it('are days selling under a tenth of the same weekday a week before and after', () => {
    // day 3 (only a week after: day 10 = 100): 5 < 10, closed; day 12: 9 >= 0.1 * (100 + 60) / 2 = 8,
    // open; day 21 (only a week before: day 14 = 100): 1 < 10, closed
    const y = new Float64Array(22).fill(100);
    y[3] = 5;
    y[12] = 9;
    y[19] = 60;
    y[21] = 1;
    expect(closedDays(y, 0)).toEqual([3, 21]);
    expect(closedDays(y, 4)).toEqual([21]);
    expect(closedDays(new Float64Array(20), 0)).toEqual([]); // no sales at all: nothing to compare with
  });
  it('are left out of the calendar effects, which are then exact (noise-free data)', () => {
    const e = calendarEffects(withClosures());
    // the window is the last 364 days (36..399): closed days 37 and 50 are left out, leaving events 100, 200, 300, 390
    expect(e.closed).toEqual([37, 50]);
    expect(e.beta[0]).toBeCloseTo(30, 9);
  });
  it('stand in as the same weekday a week before, and an event day a year after a closed one is forecast 0', () => {
    const model = calendarAdjusted(MODELS.snaive);
    const x = withClosures();
    const fc = model.forecast(model.fit(x), 7, x);
    // days 400..406 (weekday t % 7): 100 (+10 on Saturdays, t % 7 === 5) (+30 on an event day); day 402 = 37 + 365 is closed
    const want = [400, 401, 402, 403, 404, 405, 406].map((t) => (t === 402 ? 0 : 100 + (t % 7 === 5 ? 10 : 0) + (t === 404 ? 30 : 0)));
    want.forEach((v, j) => expect(fc.mean[j]).toBeCloseTo(v, 9));
    // in-sample: the closed days are fitted as closed
    const fitted = model.fittedValues(model.fit(x), x);
    expect(fitted[37]).toBe(0);
    expect(fitted[50]).toBe(0);
  });
});
