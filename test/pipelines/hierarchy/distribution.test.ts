import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../pipelines/forecast/intervals.js';
import { nodeDistribution } from '../../../pipelines/hierarchy/distribution.js';
import type { BacktestTrace } from '../../../pipelines/hierarchy/trace.js';

/** A continuous node with 3 one-day windows; `scales` says which windows had a history before them. */
function trace(scales: (number | null)[], actuals: number[], forecasts: number[]): BacktestTrace {
  return {
    origins: [10, 11, 12], horizon: 1, actuals: actuals.map((a) => [a]), forecasts: forecasts.map((f) => [f]), sds: [[2], [2], [2]],
    scales, sd: [2], discrete: false, recent: [0, 0, 0, 0],
  };
}

describe('nodeDistribution', () => {
  it('leaves out the windows before the node had a history (a new item\'s launch), down to the fit\'s own Gaussian', () => {
    // every window opens before the first sales: forecast 0 against the launch's 40 units
    const t = trace([null, null, null], [40, 40, 40], [0, 0, 0]);
    const d = nodeDistribution(t, t.forecasts, [30], [80, 95], [0.1, 0.5, 0.9]);
    // no errors: the final fit's normal interval, 30 ± z·2
    expect(d.lo['80'][0]).toBeCloseTo(30 - normalQuantile(0.9) * 2, 9);
    expect(d.hi['95'][0]).toBeCloseTo(30 + normalQuantile(0.975) * 2, 9);
    expect(d.quantiles[1][0]).toBeCloseTo(30, 9);
    expect(d.quantiles[2][0]).toBeCloseTo(30 + normalQuantile(0.9) * 2, 9);
  });
  it('is the same with or without windows that precede the history', () => {
    const kept = trace([1, 1], [31, 29], [30, 30]);
    const withLaunch = trace([null, 1, 1], [40, 31, 29], [0, 30, 30]);
    const a = nodeDistribution({ ...kept, origins: [11, 12], sds: [[2], [2]] }, kept.forecasts.slice(0, 2), [30], [80, 95], [0.1, 0.5, 0.9]);
    const b = nodeDistribution(withLaunch, withLaunch.forecasts, [30], [80, 95], [0.1, 0.5, 0.9]);
    expect(b).toEqual(a);
  });
});
