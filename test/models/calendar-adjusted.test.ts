import { describe, expect, it } from 'vitest';
import { calendarAdjusted, calendarEffects } from '../../models/calendar-adjusted.js';
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
  it('are the inner model when no calendar regressor varies', () => {
    const x: SeriesInput = { y: Float64Array.from({ length: 30 }, (_, t) => t % 7), season: 7, firstDow: 0 };
    const a = MODELS['cal:ses'];
    const b = MODELS.ses;
    expect(Array.from(a.forecast(a.fit(x), 3, x).mean)).toEqual(Array.from(b.forecast(b.fit(x), 3, x).mean));
    expect(() => calendarAdjusted(MODELS.regression)).toThrow(/uses regressors itself/);
  });
});
