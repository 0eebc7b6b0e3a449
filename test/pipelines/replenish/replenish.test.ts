import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  demandOver,
  loadOnHand,
  loadOverrides,
  parseOnHand,
  parseOverrides,
  seriesKey,
  type ReplenishInput,
} from '../../../pipelines/replenish/replenish.js';

const Z975 = 1.959964; // qnorm(0.975)

/** 10 units a day for 28 days; the L-day sum sd is 2·sqrt(L). */
function forecast(withSd = true): ReplenishInput {
  const mean = new Array(28).fill(10);
  return {
    store: 'S1',
    sku: 'A',
    mean,
    // per-day sd 3 in the interval widths
    lo: { '80': mean.map((m) => m - 1.2815516 * 3), '95': mean.map((m) => m - Z975 * 3) },
    hi: { '80': mean.map((m) => m + 1.2815516 * 3), '95': mean.map((m) => m + Z975 * 3) },
    leadTimeSd: withSd ? mean.map((_, i) => 2 * Math.sqrt(i + 1)) : undefined,
  };
}

describe('demandOver (hand-computed)', () => {
  it('sums the forecast over the days and takes the sd of the L-day sum from the backtest', () => {
    const d = demandOver(forecast(), 7);
    expect(d.demand).toBeCloseTo(70, 9);
    expect(d.sd).toBeCloseTo(2 * Math.sqrt(7), 9);
  });
  it('derives the sd from the interval widths as independent days when there is no lead-time sd', () => {
    // widest level (95): (hi - lo) / (2 z) = 3 per day -> 3·sqrt(7)
    expect(demandOver(forecast(false), 7).sd).toBeCloseTo(3 * Math.sqrt(7), 5);
  });
  it('extends past the horizon', () => {
    const f = forecast();
    // 30 days: 28 forecast days + 2 days at the mean of the last 7 (10); sd grows as sqrt(30/28)
    const d = demandOver(f, 30);
    expect(d.demand).toBeCloseTo(300, 9);
    expect(d.sd).toBeCloseTo(2 * Math.sqrt(28) * Math.sqrt(30 / 28), 9);
    expect(() => demandOver(f, 0)).toThrow(/demandOver needs a positive integer number of days/);
  });
});

describe('override and on-hand CSVs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replenish-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parse, with empty values keeping the default', () => {
    const o = parseOverrides('store,sku,lead_time_days,service_level\nS1,A,3,0.99\nS1,B,,0.9\n,C,5,\n');
    expect(o.get(seriesKey('S1', 'A'))).toEqual({ leadTimeDays: 3, serviceLevel: 0.99 });
    expect(o.get(seriesKey('S1', 'B'))).toEqual({ serviceLevel: 0.9 });
    expect(o.get(seriesKey('', 'C'))).toEqual({ leadTimeDays: 5 });
    const h = parseOnHand('sku,store,on_hand\nA,S1,12.5\n');
    expect(h.get(seriesKey('S1', 'A'))).toBe(12.5);
  });
  it('name the line of a bad value', () => {
    expect(() => parseOverrides('store,sku,lead_time_days,service_level\nS1,A,2.5,0.9\n', 'o.csv')).toThrow(/lead_time_days must be a positive integer, got "2.5" on line 2 of o.csv/);
    expect(() => parseOverrides('store,sku,lead_time_days,service_level\nS1,A,2,95\n')).toThrow(/service_level must be strictly between 0 and 1/);
    expect(() => parseOverrides('store,sku,lead_time_days\n')).toThrow(/needs column\(s\) service_level/);
    expect(() => parseOnHand('store,sku,on_hand\nS1,A,-1\n')).toThrow(/on_hand must be a number >= 0, got "-1" on line 2/);
    expect(() => parseOnHand('store,sku,on_hand\nS1,A,1\nS1,A,2\n')).toThrow(/listed twice \(line 3/);
  });
  it('load from files', () => {
    writeFileSync(join(dir, 'o.csv'), 'store,sku,lead_time_days,service_level\nS1,A,14,\n');
    writeFileSync(join(dir, 'h.csv'), 'store,sku,on_hand\nS1,A,0\n');
    expect(loadOverrides(join(dir, 'o.csv')).get(seriesKey('S1', 'A'))).toEqual({ leadTimeDays: 14 });
    expect(loadOnHand(join(dir, 'h.csv')).get(seriesKey('S1', 'A'))).toBe(0);
  });
});
