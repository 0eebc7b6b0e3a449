import { describe, expect, it } from 'vitest';
import { dayFromYmd, dayOfWeek } from '../../../pipelines/dates.js';
import { predictGbdt } from '../../../models/gbdt.js';
import type { Calendar } from '../../../pipelines/forecast/calendar.js';
import { gbdtFeatureNames, gbdtRows, type GbdtSeries } from '../../../pipelines/forecast/gbdt-features.js';
import { attributeCodes, blendPooled, fitPooled, forecastPooledAll, groupCounts, originStride, pooledForecasts, POOLED_DEFAULTS, rowsPerGroup, sampleGroups, thinHorizons, trainingRows, type PooledOptions } from '../../../pipelines/forecast/pooled.js';

const start = dayFromYmd(2015, 1, 5); // a Monday
const len = 800;
const calendar: Calendar = { start, event: new Array<number>(len + 60).fill(0), eventTypes: {}, snap: {} };
// weekday profile (Monday first): every series sells level × profile[weekday]
const profile = [1, 1, 1, 1, 2, 3, 0.5];

function panelSeries(level: number, days: number, codes: [number, number, number] = [0, 0, 0]): GbdtSeries {
  const demand = Float64Array.from({ length: days }, (_, i) => level * profile[dayOfWeek(start + i)]);
  return { demand, price: new Float64Array(days).fill(1), start, codes };
}

const small: Partial<PooledOptions> = { horizon: 7, step: 7, origins: 20, gbdt: { trees: 150, learningRate: 0.1, maxLeaves: 15, maxDepth: 6, minLeaf: 5, lambda: 1, subsample: 1 } };

describe('pooled training groups', () => {
  it('counts the origins a series has: every step days back from its end minus the horizon, each with minHistory days', () => {
    const o = { ...POOLED_DEFAULTS, horizon: 7, step: 7, origins: 100, minHistory: 56 };
    // 100 days: latest origin index 92 (93 days of history); indices 92, 85, ..., 57 (>= 55): 6 of them
    const counts = groupCounts([panelSeries(1, 100), panelSeries(1, 62), panelSeries(1, 63), panelSeries(1, 800)], o);
    expect(Array.from(counts)).toEqual([6, 0, 1, 100]);
  });

  it('random: the sample keeps exactly floor(maxRows / horizon) groups, the same ones on every run, other ones with another seed', () => {
    const counts = Int32Array.from([50, 0, 30, 80]);
    const o = { ...POOLED_DEFAULTS, sample: 'random' as const, horizon: 7, maxRows: 7 * 40 + 6 };
    const a = sampleGroups(counts, o);
    expect(a.length).toBe(160);
    expect(a.reduce((s, c) => s + c, 0)).toBe(40);
    expect(Array.from(sampleGroups(counts, o))).toEqual(Array.from(a));
    expect(Array.from(sampleGroups(counts, { ...o, seed: 2 }))).not.toEqual(Array.from(a));
    // all groups when they fit
    expect(sampleGroups(counts, { ...o, maxRows: 160 * 7 }).every((c) => c === 1)).toBe(true);
  });

  it('random: the sample spreads over series: each series gets about its share of 400 out of 1,600 groups', () => {
    const counts = new Int32Array(16).fill(100);
    const chosen = sampleGroups(counts, { ...POOLED_DEFAULTS, sample: 'random', horizon: 1, maxRows: 400 });
    for (let k = 0; k < 16; k++) {
      const got = chosen.subarray(k * 100, (k + 1) * 100).reduce((s, c) => s + c, 0);
      expect(got).toBeGreaterThan(10); // mean 25, sd about 4.3
      expect(got).toBeLessThan(40);
    }
  });

  it('thinned: every s-th origin of each series from its latest, s the smallest that fits', () => {
    const counts = Int32Array.from([50, 0, 30, 80]);
    // 40 groups: s = 4 gives 13 + 8 + 20 = 41, s = 5 gives 10 + 6 + 16 = 32
    expect(originStride(counts, 40)).toBe(5);
    const o = { ...POOLED_DEFAULTS, sample: 'thinned' as const, horizon: 7, maxRows: 7 * 40 };
    const chosen = sampleGroups(counts, o);
    expect(chosen.reduce((s, c) => s + c, 0)).toBe(32);
    expect([0, 5, 45, 46, 49].map((g) => chosen[g])).toEqual([1, 1, 1, 0, 0]); // series 0: origins 0, 5, ..., 45
    expect([50, 55, 75, 80, 81, 155, 156].map((g) => chosen[g])).toEqual([1, 1, 1, 1, 0, 1, 0]); // series 2 from 50, series 3 from 80
  });

  it('thinned, fewer groups than series: the latest origin of a seeded sample of series', () => {
    const counts = new Int32Array(16).fill(10);
    expect(originStride(counts, 8)).toBe(0);
    const o = { ...POOLED_DEFAULTS, sample: 'thinned' as const, horizon: 1, maxRows: 8 };
    const chosen = sampleGroups(counts, o);
    expect(chosen.reduce((s, c) => s + c, 0)).toBe(8);
    for (let g = 0; g < 160; g++) if (g % 10 !== 0) expect(chosen[g]).toBe(0);
    expect(Array.from(sampleGroups(counts, { ...o, seed: 2 }))).not.toEqual(Array.from(chosen));
  });

  it('tiled: origins a horizon apart (every 4th weekly one for 28 days), all of them for whole series while they fit', () => {
    const counts = Int32Array.from([50, 0, 30, 80]); // tiled origins: 13, 0, 8, 20 (41 in all)
    const o = { ...POOLED_DEFAULTS, sample: 'tiled' as const, horizon: 28, step: 7, maxRows: 28 * 41 };
    const picked = (c: Uint8Array, from: number, n: number): number[] => Array.from(c.subarray(from, from + n)).flatMap((v, j) => (v ? [j] : []));
    const all = sampleGroups(counts, o);
    expect(all.reduce((s, c) => s + c, 0)).toBe(41);
    expect(picked(all, 0, 50)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48]);
    expect(picked(all, 50, 30)).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    // 21 groups: whole series only, so either series 3 (20) or series 0 and 2 (13 + 8)
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = sampleGroups(counts, { ...o, maxRows: 28 * 21, seed });
      const per = [picked(c, 0, 50).length, picked(c, 50, 30).length, picked(c, 80, 80).length];
      expect([JSON.stringify([0, 0, 20]), JSON.stringify([13, 8, 0])]).toContain(JSON.stringify(per));
      expect(Array.from(sampleGroups(counts, { ...o, maxRows: 28 * 21, seed }))).toEqual(Array.from(c));
    }
  });

  it('staggered: every series, every s-th tiled origin (s the smallest that fits), series k from its (k mod s)-th', () => {
    const counts = Int32Array.from([50, 0, 30, 80]); // tiled origins: 13, 0, 8, 20 (41 in all)
    const o = { ...POOLED_DEFAULTS, sample: 'staggered' as const, horizon: 28, step: 7, maxRows: 28 * 41 };
    const picked = (c: Uint8Array, from: number, n: number): number[] => Array.from(c.subarray(from, from + n)).flatMap((v, j) => (v ? [j] : []));
    expect(Array.from(sampleGroups(counts, o))).toEqual(Array.from(sampleGroups(counts, { ...o, sample: 'tiled' })));
    // 21 groups: s = 2 (7 + 4 + 10 = 21); series 0 from its 0th tiled origin, 2 from its 0th (2 mod 2), 3 from its 1st
    const c = sampleGroups(counts, { ...o, maxRows: 28 * 21 });
    expect(picked(c, 0, 50)).toEqual([0, 8, 16, 24, 32, 40, 48]);
    expect(picked(c, 50, 30)).toEqual([0, 8, 16, 24]);
    expect(picked(c, 80, 80)).toEqual([4, 12, 20, 28, 36, 44, 52, 60, 68, 76]);
    // 20 groups: s = 3 (5 + 2 + 7 = 14); series 2 from its 2nd tiled origin, series 3 from its 0th (3 mod 3)
    const d = sampleGroups(counts, { ...o, maxRows: 28 * 20 });
    expect(d.reduce((a, v) => a + v, 0)).toBe(14);
    expect(picked(d, 50, 30)).toEqual([8, 20]);
    // fewer groups than series with an origin: as tiled
    expect(Array.from(sampleGroups(counts, { ...o, maxRows: 28 * 2 }))).toEqual(Array.from(sampleGroups(counts, { ...o, sample: 'tiled', maxRows: 28 * 2 })));
  });

  it('builds rows only for the sampled groups, targets of known days only', () => {
    const series = [panelSeries(2, 300), panelSeries(4, 300)];
    const o = { ...POOLED_DEFAULTS, ...small, sample: 'random', maxRows: 7 * 5 } as PooledOptions;
    const counts = groupCounts(series, o);
    const chosen = sampleGroups(counts, o);
    const rows = trainingRows(series, calendar, counts, chosen, o);
    expect(rows.n).toBe(35);
    expect(rows.x.length).toBe(35 * rows.p);
    expect(rows.y.every((v) => Number.isFinite(v))).toBe(true);
    // tiled (the default), horizon = step: with 2 origins a series, all 4 groups fit in 5
    const tiled = { ...o, sample: 'tiled', origins: 2 } as PooledOptions;
    const c2 = groupCounts(series, tiled);
    expect(trainingRows(series, calendar, c2, sampleGroups(c2, tiled), tiled).n).toBe(28); // 2 series x 2 origins x 7
  });

  it('writes each series the rows gbdtRows builds for its chosen origins, in series order (one array, calendars cached across series)', () => {
    // different starts and ends: the series share some origins' calendars and not others; events and SNAP on
    const cal: Calendar = { start, event: Array.from({ length: len + 60 }, (_, i) => Number(i % 11 === 0)), eventTypes: { sporting: Array.from({ length: len + 60 }, (_, i) => Number(i % 13 === 0)) }, snap: {} };
    const snap = Array.from({ length: len + 60 }, (_, i) => Number(i % 30 < 10));
    const series = [panelSeries(2, 300), { ...panelSeries(5, 280), snap }, { ...panelSeries(1, 400), start: start + 3 }, panelSeries(3, 20)];
    const o = { ...POOLED_DEFAULTS, ...small, sample: 'random', maxRows: 7 * 30, scale: 'diff' } as PooledOptions;
    const counts = groupCounts(series, o);
    const chosen = sampleGroups(counts, o);
    const rows = trainingRows(series, cal, counts, chosen, o);
    const xs: number[] = [];
    const ys: number[] = [];
    let g = 0;
    series.forEach((s, k) => {
      const latest = s.start + s.demand.length - 1 - o.horizon;
      const origins: number[] = [];
      for (let j = 0; j < counts[k]; j++, g++) if (chosen[g]) origins.push(latest - o.step * j);
      const r = gbdtRows([s], cal, origins, o.horizon, o.scaleFloor, o.scale);
      for (const v of r.x) xs.push(v);
      for (const v of r.y) ys.push(v);
    });
    expect(rows.n).toBe(7 * 30);
    expect(Buffer.from(rows.x.buffer).equals(Buffer.from(Float64Array.from(xs).buffer))).toBe(true);
    expect(Buffer.from(rows.y.buffer).equals(Buffer.from(Float64Array.from(ys).buffer))).toBe(true);
  });
});

describe('pooled forecasts', () => {
  it('forecastPooledAll: each series as built and predicted on its own (gbdtRows, predictGbdt), over more than one batch of 1,024; short and unwanted series null', () => {
    const series = Array.from({ length: 1500 }, (_, k) => ({ ...panelSeries(1 + (k % 17), 40 + ((k * 37) % 160)), start: start + (k % 5) }));
    const o = { ...POOLED_DEFAULTS, ...small, minHistory: 56, gbdt: { ...small.gbdt, trees: 20 } } as PooledOptions;
    const model = fitPooled(series.slice(0, 200), calendar, o)!;
    const wanted = (s: GbdtSeries): boolean => s.start !== start + 2;
    const all = forecastPooledAll(model, series, calendar, o, wanted);
    let predicted = 0;
    series.forEach((s, k) => {
      if (s.demand.length < o.minHistory || !wanted(s)) return expect(all[k]).toBeNull();
      const rows = gbdtRows([s], calendar, [s.start + s.demand.length - 1], o.horizon, o.scaleFloor, o.scale);
      const own = predictGbdt(model, rows.x, rows.n).map((v, r) => Math.max(0, v * rows.scale[r]));
      expect(Buffer.from(all[k]!.buffer).equals(Buffer.from(own.buffer))).toBe(true);
      predicted++;
    });
    expect(predicted).toBeGreaterThan(1024);
  });

  it('recovers the weekday pattern shared by series of different levels, within 10%', () => {
    const levels = [1, 2, 3, 5, 8, 13, 21, 34];
    const series = levels.map((l, i) => panelSeries(l, len, [i % 2, 0, i % 3]));
    const out = pooledForecasts(series, calendar, small);
    levels.forEach((l, k) => {
      const f = out[k]!;
      expect(f.length).toBe(7);
      for (let h = 1; h <= 7; h++) {
        const want = l * profile[dayOfWeek(start + len - 1 + h)];
        expect(Math.abs(f[h - 1] - want)).toBeLessThan(0.1 * want);
      }
    });
  });

  it('learner ridge (research): the expanded design recovers the weekday pattern within 10%, alone and with residual trees; fitPooled refuses it', () => {
    const levels = [1, 2, 3, 5, 8, 13, 21, 34];
    const series = levels.map((l, i) => panelSeries(l, len, [i % 2, 0, i % 3]));
    for (const learner of ['ridge', 'ridge+gbdt'] as const) {
      const out = pooledForecasts(series, calendar, { ...small, learner, gbdt: { ...small.gbdt, trees: 20 } });
      levels.forEach((l, k) => {
        for (let h = 1; h <= 7; h++) {
          const want = l * profile[dayOfWeek(start + len - 1 + h)];
          expect(Math.abs(out[k]![h - 1] - want)).toBeLessThan(0.1 * want);
        }
      });
    }
    expect(() => fitPooled(series, calendar, { ...small, learner: 'ridge' })).toThrow(/trees learner only/);
  });

  it('skips series shorter than minHistory (null) and gives null everywhere when nothing trains', () => {
    const series = [panelSeries(3, 400), panelSeries(3, 40)];
    const out = pooledForecasts(series, calendar, small);
    expect(out[0]).not.toBeNull();
    expect(out[1]).toBeNull();
    expect(fitPooled([panelSeries(1, 30)], calendar, small)).toBeNull();
    expect(pooledForecasts([panelSeries(1, 30), panelSeries(1, 10)], calendar, small)).toEqual([null, null]);
    expect(pooledForecasts([], calendar, small)).toEqual([]);
  });
});

describe('pooled features left out', () => {
  it('dropFeatures: the trees never split on them (here the weekday, which the model otherwise uses); an unknown name throws', () => {
    const series = [1, 2, 3, 5, 8].map((l, i) => panelSeries(l, len, [0, 0, i % 2]));
    const names = gbdtFeatureNames(calendar);
    const used = (m: ReturnType<typeof fitPooled>): Set<string> => new Set(m!.trees.flatMap((t) => [...t.feature].filter((f) => f >= 0).map((f) => names[f])));
    expect(used(fitPooled(series, calendar, small)).has('weekday')).toBe(true);
    const without = used(fitPooled(series, calendar, { ...small, dropFeatures: ['weekday', 'store'] }));
    expect(without.has('weekday')).toBe(false);
    expect(without.has('store')).toBe(false);
    expect(without.size).toBeGreaterThan(0);
    expect(() => fitPooled(series, calendar, { ...small, dropFeatures: ['nope'] })).toThrow(/no feature nope/);
  });
});

describe('blendPooled', () => {
  it('weighted mean, exact', () => {
    const chosen = Float64Array.from([1, 2, 4]);
    const pooled = Float64Array.from([3, 0, 5]);
    expect(Array.from(blendPooled(chosen, pooled))).toEqual([2, 1, 4.5]);
    expect(Array.from(blendPooled(chosen, pooled, 0.25))).toEqual([1.5, 1.5, 4.25]);
    const kept = blendPooled(chosen, null);
    expect(Array.from(kept)).toEqual([1, 2, 4]);
    expect(kept).not.toBe(chosen);
  });

  it('refuses a weight outside [0, 1] and mismatched lengths', () => {
    expect(() => blendPooled(new Float64Array(2), new Float64Array(2), 1.5)).toThrow(/weight/);
    expect(() => blendPooled(new Float64Array(2), new Float64Array(3))).toThrow(/3 pooled values for 2/);
  });
});

describe('attributeCodes', () => {
  it('codes are indices in sorted order', () => {
    const codes = attributeCodes([
      { department: 'FOODS_2', category: 'FOODS', store: 'TX_1' },
      { department: 'FOODS_1', category: 'FOODS', store: 'CA_1' },
      { department: 'HOBBIES_1', category: 'HOBBIES', store: 'CA_1' },
    ]);
    expect(codes).toEqual([
      [1, 0, 1],
      [0, 0, 0],
      [2, 1, 0],
    ]);
  });
});

describe('horizonShare (research): a share of each group\'s horizon rows', () => {
  it('keeps round(share · horizon) rows of every group, in order, each row whole; more groups fit maxRows', () => {
    const o: PooledOptions = { ...POOLED_DEFAULTS, horizon: 28, horizonShare: 0.25 };
    expect(rowsPerGroup(o)).toBe(7);
    expect(rowsPerGroup({ ...o, horizonShare: undefined })).toBe(28);
    const groups = 5;
    const p = 3;
    const n = groups * 28;
    // row r: features (r, -r, group), target r
    const x = Float64Array.from({ length: n * p }, (_, i) => [Math.floor(i / p), -Math.floor(i / p), Math.floor(i / p / 28)][i % p]);
    const y = Float64Array.from({ length: n }, (_, r) => r);
    const kept = thinHorizons({ x, y: Float64Array.from(y), n, p }, o);
    expect(kept.n).toBe(groups * 7);
    for (let g = 0; g < groups; g++) {
      const rows = Array.from(kept.y.subarray(g * 7, g * 7 + 7));
      rows.forEach((r, i) => {
        expect(Math.floor(r / 28)).toBe(g); // from its own group
        if (i > 0) expect(r).toBeGreaterThan(rows[i - 1]); // in order, no repeats
        expect(Array.from(kept.x.subarray((g * 7 + i) * p, (g * 7 + i + 1) * p))).toEqual([r, -r, g]);
      });
    }
    // the same seed, the same rows; all horizons kept when the share is 1
    expect(Array.from(thinHorizons({ x: Float64Array.from(x), y: Float64Array.from(y), n, p }, o).y)).toEqual(Array.from(kept.y));
    expect(thinHorizons({ x, y, n, p }, { ...o, horizonShare: 1 }).n).toBe(n);
    // maxRows counts kept rows: four times the groups of whole ones
    const counts = Int32Array.of(400);
    const chosen = (share: number): number => sampleGroups(counts, { ...o, sample: 'random', maxRows: 28 * 50, horizonShare: share }).reduce((a, b) => a + b, 0);
    expect([chosen(1), chosen(0.25)]).toEqual([50, 200]);
  });
});
