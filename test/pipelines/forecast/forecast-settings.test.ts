import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { combineTopFor, cyclesFor, forecastSettings } from '../../../pipelines/forecast/forecast-settings.js';
import { DAILY, periodGrid } from '../../../pipelines/periods.js';

describe('forecastSettings', () => {
  it('keeps the daily settings as configured', () => {
    const s = forecastSettings(defaultConfig(), DAILY);
    expect(s).toMatchObject({ season: 7, backtestStep: 7, minHistory: 56, maxHistory: 728, backtestMaxHistory: 364, minTrain: 14, shortestBacktest: 7, coldStartWindow: 28 });
    expect(s.notes).toEqual([]);
  });
  it('converts the day-based defaults to weeks and says where it rounded', () => {
    const s = forecastSettings(defaultConfig(), periodGrid('week', 0));
    // 7 days = 1 week; 56 days = 8 weeks, raised to 8 + 4; 728 and 364 days = 104 and 52 weeks,
    // raised to three years of weeks: ceil(3 · 52.18) = 157; 28 days = 4 weeks
    expect(s).toMatchObject({ season: 52, backtestStep: 1, minHistory: 12, maxHistory: 157, backtestMaxHistory: 157, minTrain: 8, shortestBacktest: 4, coldStartWindow: 4 });
    expect(s.notes).toEqual([
      'models.minHistory: 56 days = 8 weeks, raised to the minimum of 12 weeks',
      'models.maxHistory: 728 days = 104 weeks, raised to the minimum of 157 weeks',
      'models.backtestMaxHistory: 364 days = 52 weeks, raised to the minimum of 157 weeks',
    ]);
  });
  it('converts them to months (a month is 30.4375 days)', () => {
    const s = forecastSettings(defaultConfig(), periodGrid('month'));
    // 7 / 30.4375 = 0.23 -> 1; 56 / 30.4375 = 1.84 -> 2, raised to 8 + 3 = 11; 728 -> 23.92 -> 24, 364 -> 11.96 -> 12,
    // both raised to 36; 28 -> 0.92 -> 1, raised to 3
    expect(s).toMatchObject({ season: 12, backtestStep: 1, minHistory: 11, maxHistory: 36, backtestMaxHistory: 36, minTrain: 8, shortestBacktest: 3, coldStartWindow: 3 });
    expect(s.notes[0]).toBe('models.backtestStep: 7 days = 0.23 months, rounded up to 1 month');
    expect(s.notes).toContain('cold-start window: 28 days = 0.92 months, raised to the minimum of 3 months');
  });
  it('keeps "all history" (0) and longer configured windows', () => {
    const c = defaultConfig();
    c.models.maxHistory = 0;
    c.models.backtestMaxHistory = 2184; // 312 weeks
    const s = forecastSettings(c, periodGrid('week', 0));
    expect(s.maxHistory).toBe(0);
    expect(s.backtestMaxHistory).toBe(312);
  });
  it('gives the cycles a series holds twice', () => {
    const week = forecastSettings(defaultConfig(), periodGrid('week', 0));
    expect(cyclesFor(week, 100)).toEqual([]);
    expect(cyclesFor(week, 105)).toEqual([365.25 / 7]);
    const day = forecastSettings(defaultConfig(), DAILY);
    expect(cyclesFor(day, 100)).toEqual([7]);
    expect(cyclesFor(day, 800)).toEqual([7, 365.25]);
    expect(cyclesFor(forecastSettings(defaultConfig(), periodGrid('month')), 30)).toEqual([12]);
  });
});

describe('combineTopFor', () => {
  it('averages the whole monthly pool of each class, combineTop at other periods', () => {
    const cfg = defaultConfig(); // combineTop 3, candidates auto
    expect(combineTopFor(cfg, 'month', 'smooth')).toBe(4); // snaive, ses, holt-damped, theta
    expect(combineTopFor(cfg, 'month', 'erratic')).toBe(4);
    expect(combineTopFor(cfg, 'month', 'intermittent')).toBe(4); // sba, tsb, adida, imapa
    expect(combineTopFor(cfg, 'month', 'none')).toBe(3); // no candidates: nothing to average
    expect(combineTopFor(cfg, 'week', 'smooth')).toBe(3);
    expect(combineTopFor(cfg, 'day', 'smooth')).toBe(3);
  });
  it('keeps combineTop when combining is off, larger, or the candidates are configured', () => {
    const off = defaultConfig();
    off.models.combineTop = 1;
    expect(combineTopFor(off, 'month', 'smooth')).toBe(1);
    const wide = defaultConfig();
    wide.models.combineTop = 6;
    expect(combineTopFor(wide, 'month', 'smooth')).toBe(6);
    const listed = defaultConfig();
    listed.models.candidates = ['ses', 'theta'];
    expect(combineTopFor(listed, 'month', 'smooth')).toBe(3);
  });
});
