import { describe, expect, it } from 'vitest';
import { volumeSample } from '../../../../pipelines/replenish/replay/replay-sample.js';
import { appliedShifts } from '../../../../pipelines/replenish/replay/replay-study.js';

const s = (start: number, ...demand: number[]) => ({ start, demand });

describe('volumeSample', () => {
  it('keeps every series when max is 0 or not below their number', () => {
    const all = [s(0, 1), s(0, 2), s(0, 3)];
    expect(volumeSample(all, 1, 0)).toEqual([0, 1, 2]);
    expect(volumeSample(all, 1, 3)).toEqual([0, 1, 2]);
  });

  it('takes the middle rank of each equal slice of the volume ranking, in input order', () => {
    // units sold before day 2: 10, 50, 0, 30, 20, 40 -> ranking (low to high) 2, 0, 4, 3, 5, 1
    const all = [s(0, 4, 6, 99), s(0, 25, 25), s(0, 0, 0, 7), s(1, 30, 1), s(0, 20), s(0, 40, 0)];
    // max 3: ranks floor(0.5·2) = 1, floor(1.5·2) = 3, floor(2.5·2) = 5 -> series 0, 3, 1
    expect(volumeSample(all, 2, 3)).toEqual([0, 1, 3]);
    // max 2: ranks floor(0.5·3) = 1, floor(1.5·3) = 4 -> series 0 and 5
    expect(volumeSample(all, 2, 2)).toEqual([0, 5]);
  });

  it('breaks ties by position', () => {
    const all = [s(0, 1), s(0, 1), s(0, 1), s(0, 1)];
    // ranks 0..3 in input order; max 2 -> ranks 1 and 3
    expect(volumeSample(all, 1, 2)).toEqual([1, 3]);
  });
});

describe('appliedShifts', () => {
  it('keeps every shift, or only the lowering ones (raises become 0)', () => {
    const shifts = { 'smooth/cycle': 0.5, 'erratic/cycle': -0.25, 'lumpy/fill_rate': 0 };
    expect(appliedShifts(shifts, true)).toBe(shifts);
    expect(appliedShifts(shifts, false)).toEqual({ 'smooth/cycle': 0, 'erratic/cycle': -0.25, 'lumpy/fill_rate': 0 });
  });
});
