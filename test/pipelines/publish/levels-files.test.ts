import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../config/schema.js';
import { parseIsoDay } from '../../../pipelines/dates.js';
import { publishLevels, quantileColumns } from '../../../pipelines/publish/levels-files.js';
import type { LevelForecast } from '../../../pipelines/hierarchy/reconcile.js';

const node = (level: string, key: string, mean: number[]): LevelForecast => ({
  level, key, mean, lo: { '80': mean.map((m) => m - 1), '95': mean.map((m) => m - 2) }, hi: { '80': mean.map((m) => m + 1), '95': mean.map((m) => m + 2) },
  quantiles: [mean.map((m) => m - 1), mean, mean.map((m) => m + 1)], rmsse: null,
});

describe('publishLevels', () => {
  const config = { ...defaultConfig(), levels: ['total'], quantiles: [0.1, 0.5, 0.9] };
  const day = parseIsoDay('2016-03-28');

  it('writes forecasts-levels.csv and quantiles.csv (bottom series first) and what run.json records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'levels-files-'));
    const stage = {
      quantiles: [[[0, 0], [1, 2], [3, 4]]],
      levels: { levels: ['total'], dropped: ['store'], method: 'bottom-up', scored: true, lambda: null, scores: [{ method: 'bottom-up', score: 0.51234, levels: {}, failed: null }], nodes: [node('total', 'total', [1, 2])], missing: { category: 2 }, sources: { category: 'sales file' }, conflicts: {}, slashed: {} },
    };
    const r = await publishLevels(dir, stage, [{ store: 'S1', sku: 'A' }], day, config);
    expect(r.files).toEqual(['forecasts-levels.csv', 'quantiles.csv']);
    expect(r.hierarchy).toMatchObject({ levels: ['total'], dropped: ['store'], nodes: 1, method: 'bottom-up', candidates: [{ method: 'bottom-up', score: 0.5123, failed: null }], attributes: { category: 'sales file' } });
    expect(r.warnings.map((w) => w.code)).toEqual(['levels_missing_attribute']);
    expect((await readFile(join(dir, 'forecasts-levels.csv'), 'utf8')).split('\r\n')).toEqual([
      'level,key,date,forecast,lo_80,hi_80,lo_95,hi_95', 'total,total,2016-03-28,1,0,2,-1,3', 'total,total,2016-03-29,2,1,3,0,4', '',
    ]);
    expect((await readFile(join(dir, 'quantiles.csv'), 'utf8')).split('\r\n')).toEqual([
      'level,key,date,q0.1,q0.5,q0.9', 'store/sku,S1/A,2016-03-28,0,1,3', 'store/sku,S1/A,2016-03-29,0,2,4', 'total,total,2016-03-28,0,1,2', 'total,total,2016-03-29,1,2,3', '',
    ]);
  });

  it('warns, and writes nothing, when levels were asked for but not computed (a queued run prepared by an earlier version)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'levels-files-'));
    const r = await publishLevels(dir, undefined, [], day, config);
    expect(r.files).toEqual([]);
    expect(r.hierarchy).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['levels_not_computed']);
  });

  it('warns when the method could not be chosen by backtest (bottom-up, unscored)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'levels-files-'));
    const stage = {
      quantiles: [],
      levels: { levels: ['total'], dropped: [], method: 'bottom-up', scored: false, lambda: null, scores: [{ method: 'bottom-up', score: NaN, levels: {}, failed: null }], nodes: [node('total', 'total', [1])], missing: {}, sources: {}, conflicts: {}, slashed: {} },
    };
    const r = await publishLevels(dir, stage, [{ store: 'S1', sku: 'A' }], day, { ...config, quantiles: [] });
    expect(r.warnings.map((w) => w.code)).toEqual(['levels_not_backtested']);
    expect(r.hierarchy).toMatchObject({ method: 'bottom-up', scored: false, candidates: [{ method: 'bottom-up', score: null }] });
  });

  it('warns of a sku with two categories and records the count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'levels-files-'));
    const stage = {
      quantiles: [],
      levels: { levels: ['total'], dropped: [], method: 'bottom-up', scored: true, lambda: null, scores: [], nodes: [node('total', 'total', [1])], missing: {}, sources: {}, conflicts: { category: { count: 2, example: 'sku "A": "X" (store "S1") and "Y" (store "S2")' } }, slashed: {} },
    };
    const r = await publishLevels(dir, stage, [{ store: 'S1', sku: 'A' }], day, { ...config, quantiles: [] });
    expect(r.warnings.map((w) => w.code)).toEqual(['levels_conflicting_attribute']);
    expect(r.warnings[0].message).toMatch(/^2 skus have more than one category \(sku "A": "X" \(store "S1"\) and "Y" \(store "S2"\)\)/);
    expect(r.hierarchy).toMatchObject({ conflicts: { category: 2 } });
  });

  it('warns when a value with "/" makes keys ambiguous', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'levels-files-'));
    const stage = {
      quantiles: [],
      levels: { levels: ['total'], dropped: [], method: 'bottom-up', scored: true, lambda: null, scores: [], nodes: [node('total', 'total', [1])], missing: {}, sources: {}, conflicts: {}, slashed: { store: 'Berlin/Mitte' } },
    };
    const r = await publishLevels(dir, stage, [{ store: 'Berlin/Mitte', sku: 'A' }], day, { ...config, quantiles: [] });
    expect(r.warnings.map((w) => w.code)).toEqual(['levels_ambiguous_key']);
    expect(r.warnings[0].message).toContain('a store value has a "/" ("Berlin/Mitte")');
  });

  it('names quantile columns in plain decimals, however small the probability', () => {
    expect(quantileColumns([1e-7, 1.5e-7, 0.005, 0.5, 0.9999999])).toEqual(['level', 'key', 'date', 'q0.0000001', 'q0.00000015', 'q0.005', 'q0.5', 'q0.9999999']);
  });

  it('records nothing when neither was asked for', async () => {
    const r = await publishLevels('/nonexistent', undefined, [], day, defaultConfig());
    expect(r).toEqual({ files: [], hierarchy: undefined, warnings: [] });
  });
});
