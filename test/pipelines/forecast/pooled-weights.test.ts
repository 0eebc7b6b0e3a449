import { describe, expect, it } from 'vitest';
import { pooledWeights, sellsMostDays } from '../../../pipelines/forecast/pooled-weights.js';
import { defaultConfig } from '../../../config/schema.js';

describe('pooledWeights', () => {
  it('gives smooth and erratic series `weight`, the other classes `intermittentWeight`', () => {
    const w = pooledWeights(['smooth', 'erratic', 'intermittent', 'lumpy', 'none'], { weight: 0.6, intermittentWeight: 0.3 });
    expect([...w]).toEqual([0.6, 0.6, 0.3, 0.3, 0.3]);
    expect(['smooth', 'erratic', 'intermittent', 'lumpy', 'none'].map((c) => sellsMostDays(c as 'smooth'))).toEqual([true, true, false, false, false]);
  });

  it('uses `weight` for every series when the facts predate `intermittentWeight`', () => {
    expect([...pooledWeights(['smooth', 'lumpy'], { weight: 0.5 })]).toEqual([0.5, 0.5]);
  });

  it('defaults to 0.5 for series selling on most days and 0.3 for the others', () => {
    const { weight, intermittentWeight } = defaultConfig().models.pooled;
    expect([weight, intermittentWeight]).toEqual([0.5, 0.3]);
  });
});
