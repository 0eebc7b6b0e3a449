import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../config/schema.js';
import type { PooledStage } from '../../../pipelines/forecast/pooled-stage.js';
import { blendRun, pooledNotComputed, pooledWarnings } from '../../../pipelines/run/pooled-run.js';
import { pooledSentence } from '../../../pipelines/publish/report.js';
import { fixtureRun } from '../../fixtures/report-data.js';

function config(pooled: Partial<Config['models']['pooled']>): Config {
  const c = defaultConfig();
  return { ...c, models: { ...c.models, pooled: { ...c.models.pooled, ...pooled } } };
}

describe('the pooled stage in a run', () => {
  it('warns pooled_implausible naming the series it retrained for, and those still left out', () => {
    const facts = { used: true, rows: 1, series: 2, trees: 1, fitMs: 0, weight: 0.5 };
    expect(pooledWarnings(facts)).toEqual([]);
    expect(pooledWarnings(undefined)).toEqual([]);
    const [w] = pooledWarnings({ ...facts, implausible: ['S0/B', 'S0/A'], retrained: true });
    expect(w).toMatchObject({ code: 'pooled_implausible', series: ['S0/A', 'S0/B'], seriesCount: 2 });
    expect(w.message).toMatch(/forecast 2 series a day above the most they sold .*trained again with the cleaning's caps: S0\/A, S0\/B$/);
    const [still] = pooledWarnings({ ...facts, implausible: ['S0/A'], retrained: true, implausibleLeft: ['S0/A'] });
    expect(still.message).toMatch(/still above it then, S0\/A is forecast by its own model alone/);
    const [none] = pooledWarnings({ ...facts, implausible: ['S0/A', 'S0/B'], retrained: false, implausibleLeft: ['S0/A', 'S0/B'] });
    expect(none.message).toMatch(/counting at its cap\); S0\/A, S0\/B are forecast by their own model alone/);
    expect(none.message).not.toMatch(/trained again/);
  });
  it('a queued run prepared without it: a pooled_not_computed warning when a daily run asks for it, none otherwise', () => {
    const asked = pooledNotComputed(config({}), 'day');
    expect(asked.stage.facts).toMatchObject({ used: false, reason: expect.stringMatching(/not computed/) });
    expect(asked.warnings.map((w) => w.code)).toEqual(['pooled_not_computed']);
    expect(pooledNotComputed(config({ enabled: false }), 'day').warnings).toEqual([]);
    expect(pooledNotComputed(config({}), 'week').warnings).toEqual([]);
  });

  it('publishes the forecasts as they are when the stage was not used, and the blend (in the levels result too) when it was', () => {
    const { forecasts } = fixtureRun();
    const H = forecasts[0].mean.length;
    const unused: PooledStage = { forecasts: [], facts: { used: false, reason: 'x', rows: 0, series: 0, trees: 0, fitMs: 0, weight: 0.5 } };
    expect(blendRun(forecasts, undefined, null, unused).forecasts).toBe(forecasts);
    const twice = forecasts.map((f) => Float64Array.from(f.mean, (m) => 2 * m));
    const used: PooledStage = { forecasts: twice, facts: { ...unused.facts, used: true, reason: undefined } };
    const levels = { forecasts, quantiles: [], levels: null };
    const r = blendRun(forecasts, levels, null, used);
    // (1 - 0.5) · m + 0.5 · 2m = 1.5 m
    r.forecasts.forEach((f, b) => f.mean.forEach((m, j) => expect(m).toBeCloseTo(1.5 * forecasts[b].mean[j], 12)));
    expect(r.levels!.forecasts).toBe(r.forecasts);
    expect(r.forecasts[0].mean).toHaveLength(H);
  });

  it('blends each series by its demand class\'s weight: `weight` for smooth and erratic, `intermittentWeight` for the others', () => {
    const classes = ['smooth', 'erratic', 'intermittent', 'lumpy'] as const;
    const forecasts = fixtureRun().forecasts.map((f, b) => ({ ...f, demandClass: classes[b % 4] }));
    const twice = forecasts.map((f) => Float64Array.from(f.mean, (m) => 2 * m));
    const used: PooledStage = { forecasts: twice, facts: { used: true, rows: 0, series: 0, trees: 0, fitMs: 0, weight: 0.6, intermittentWeight: 0.2 } };
    const r = blendRun(forecasts, undefined, null, used);
    // (1 - w) · m + w · 2m = (1 + w) m: 1.6 m for the first two classes, 1.2 m for the others
    r.forecasts.forEach((f, b) => f.mean.forEach((m, j) => expect(m).toBeCloseTo((b % 4 < 2 ? 1.6 : 1.2) * forecasts[b].mean[j], 12)));
  });

  it('says in the report what the forecasts are, or why the pooled model was not used', () => {
    expect(pooledSentence({ used: true, rows: 1200, series: 30, trees: 600, fitMs: 5, weight: 0.5 })).toMatch(/^Forecasts are the mean of each item's chosen model \(50%\) and a model pooled over all items \(50%: .*1200 rows.*30 series/);
    expect(pooledSentence({ used: true, rows: 1200, series: 30, trees: 300, fitMs: 5, weight: 0.6, intermittentWeight: 0.3 })).toMatch(
      /^Forecasts are the mean of each item's chosen model \(40%, 70% for items selling on fewer than about 3 days in 4\) and a model pooled over all items \(60%, 30%: /,
    );
    expect(pooledSentence({ used: false, reason: 'the run is weekly', rows: 0, series: 0, trees: 0, fitMs: 0, weight: 0.5 })).toMatch(/chosen model alone; .*not used: the run is weekly\.$/);
  });
});
