import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import {
  buildReplenishment,
  demandOver,
  loadOnHand,
  loadOverrides,
  parseOnHand,
  parseOverrides,
  replenishmentRow,
  seriesKey,
  type ReplenishInput,
} from '../../../pipelines/replenish/replenish.js';

const Z95 = 1.6448536; // qnorm(0.95)
const Z975 = 1.959964; // qnorm(0.975)
const SETTINGS = { leadTimeDays: 7, serviceLevel: 0.95, reviewPeriodDays: 7 };

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

describe('replenishmentRow (hand-computed)', () => {
  it('computes lead-time demand, safety stock, reorder point, order-up-to and order quantity', () => {
    const r = replenishmentRow(forecast(), SETTINGS, undefined, 50);
    const ss = Z95 * 2 * Math.sqrt(7); // 1.6448536 * 5.2915026 = 8.7037
    const out = 140 + Z95 * 2 * Math.sqrt(14); // 140 + 1.6448536 * 7.4833148 = 152.3089
    expect(r.leadTimeDemand).toBeCloseTo(70, 9);
    expect(r.safetyStock).toBeCloseTo(ss, 5);
    expect(r.safetyStock).toBeCloseTo(8.7037, 3);
    expect(r.reorderPoint).toBeCloseTo(70 + ss, 5);
    expect(r.orderUpTo).toBeCloseTo(out, 5);
    expect(r.orderUpTo).toBeCloseTo(152.3089, 3);
    expect(r.onHand).toBe(50);
    expect(r.orderQty).toBeCloseTo(out - 50, 5);
    expect(r).toMatchObject({ store: 'S1', sku: 'A', leadTimeDays: 7, serviceLevel: 0.95 });
  });
  it('orders nothing above the reorder point, and nothing is known without on-hand stock', () => {
    expect(replenishmentRow(forecast(), SETTINGS, undefined, 100).orderQty).toBe(0);
    const r = replenishmentRow(forecast(), SETTINGS);
    expect(r.onHand).toBeNull();
    expect(r.orderQty).toBeNull();
  });
  it('derives the sd from the interval widths as independent days when there is no lead-time sd', () => {
    const r = replenishmentRow(forecast(false), SETTINGS);
    // widest level (95): (hi - lo) / (2 z) = 3 per day -> 3·sqrt(7)
    expect(r.safetyStock).toBeCloseTo(Z95 * 3 * Math.sqrt(7), 5);
  });
  it('applies per-series overrides', () => {
    const r = replenishmentRow(forecast(), SETTINGS, { leadTimeDays: 3, serviceLevel: 0.975 });
    expect(r.leadTimeDemand).toBeCloseTo(30, 9);
    expect(r.safetyStock).toBeCloseTo(Z975 * 2 * Math.sqrt(3), 5);
    expect(r.orderUpTo).toBeCloseTo(100 + Z975 * 2 * Math.sqrt(10), 5);
  });
  it('extends past the horizon', () => {
    const f = forecast();
    // 30 days: 28 forecast days + 2 days at the mean of the last 7 (10); sd grows as sqrt(30/28)
    const d = demandOver(f, 30);
    expect(d.demand).toBeCloseTo(300, 9);
    expect(d.sd).toBeCloseTo(2 * Math.sqrt(28) * Math.sqrt(30 / 28), 9);
    expect(() => demandOver(f, 0)).toThrow(/demandOver needs a positive integer number of days/);
  });
  it('rejects bad settings', () => {
    expect(() => replenishmentRow(forecast(), { ...SETTINGS, serviceLevel: 1 })).toThrow(/service level strictly between 0 and 1/);
    expect(() => replenishmentRow(forecast(), { ...SETTINGS, leadTimeDays: 0 })).toThrow(/lead time of at least 1 day/);
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
  it('load from files and feed buildReplenishment', () => {
    writeFileSync(join(dir, 'o.csv'), 'store,sku,lead_time_days,service_level\nS1,A,14,\n');
    writeFileSync(join(dir, 'h.csv'), 'store,sku,on_hand\nS1,A,0\n');
    const cfg = defaultConfig();
    const rows = buildReplenishment([forecast(), { ...forecast(), sku: 'B' }], cfg, loadOverrides(join(dir, 'o.csv')), loadOnHand(join(dir, 'h.csv')));
    expect(rows.map((r) => [r.sku, r.leadTimeDays, r.onHand])).toEqual([['A', 14, 0], ['B', 7, null]]);
    expect(rows[0].leadTimeDemand).toBeCloseTo(140, 9);
    expect(rows[0].orderQty).toBeCloseTo(rows[0].orderUpTo, 9);
  });
});
