/**
 * Stale data (issue 15): an export whose last sale is weeks before the run date is forecast from
 * the run date's period, says so in a `stale_data` warning, counts as stale in the quality profile,
 * and stops the run when `validation.maxStaleDays` is exceeded. Fixtures: test/fixtures/exports/stale-*.csv
 * (daily: 2026-09-01 to 2026-10-23; weekly: Monday weeks 2026-03-30 to 2026-10-19), run date 2026-12-04.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../../config/load.js';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { InputError } from '../../../pipelines/errors.js';
import { DAILY } from '../../../pipelines/periods.js';
import { runPipeline } from '../../../pipelines/run/run.js';
import { checkStaleness, dataGap, MAX_GAP_DAYS } from '../../../pipelines/run/staleness.js';

const EXPORTS = resolve(import.meta.dirname, '../../fixtures/exports');
let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'staleness-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
}

describe('dataGap', () => {
  const runDay = dayFromYmd(2026, 12, 4);
  it('is nothing when the data reaches the day before the run date, or later', () => {
    expect(dataGap(runDay - 1, runDay, DAILY)).toMatchObject({ periods: 0, days: 0 });
    expect(dataGap(runDay + 3, runDay, DAILY)).toMatchObject({ periods: 0, days: 0 });
  });
  it('counts the missing days of daily data', () => {
    expect(dataGap(runDay - 3, runDay, DAILY)).toMatchObject({ periods: 2, days: 2, lastDay: runDay - 3 });
  });
  it('stops a run only past maxStaleDays, naming the dates and the flag', () => {
    const gap = dataGap(runDay - 3, runDay, DAILY);
    expect(() => checkStaleness(gap, '2026-12-04', undefined)).not.toThrow();
    expect(() => checkStaleness(gap, '2026-12-04', 2)).not.toThrow();
    expect(() => checkStaleness(gap, '2026-12-04', 1)).toThrow(InputError);
    expect(() => checkStaleness(gap, '2026-12-04', 1)).toThrow(/ends on 2026-12-01, 2 days before the run date 2026-12-04, more than --max-stale-days 1/);
  });
});

describe('the longest gap', () => {
  const runDay = dayFromYmd(2026, 12, 4);
  it('forecasts across a year at most, whatever maxStaleDays allows', () => {
    // data ending 367 days before the run date: 366 days missing before it
    const year = dataGap(runDay - 1 - MAX_GAP_DAYS, runDay, DAILY);
    expect(year.days).toBe(366);
    expect(() => checkStaleness(year, '2026-12-04', undefined)).not.toThrow();
    const over = dataGap(runDay - 2 - MAX_GAP_DAYS, runDay, DAILY);
    expect(over.days).toBe(367);
    expect(() => checkStaleness(over, '2026-12-04', undefined)).toThrow(InputError);
    expect(() => checkStaleness(over, '2026-12-04', undefined)).toThrow(/367 days before the run date 2026-12-04: more than a year \(366 days\) of sales is missing/);
    expect(() => checkStaleness(over, '2026-12-04', 5000)).toThrow(/more than a year/);
    expect(() => checkStaleness(over, '2026-12-04', 30)).toThrow(/more than --max-stale-days 30/);
  });
  it('stops a run of an export more than a year old (exit 3), publishing nothing', async () => {
    const out = join(tmp, 'year');
    const run = runPipeline({ input: join(EXPORTS, 'stale-daily.csv'), outDir: out, config: parseConfig({ threads: 1, horizon: 7 }), runDate: '2027-12-01' });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/the data ends on 2026-10-23, 403 days before the run date 2027-12-01: more than a year/);
    expect(existsSync(join(out, 'latest'))).toBe(false);
  }, 60_000);
});

describe('a stale export through the pipeline', () => {
  const config = parseConfig({ threads: 1, horizon: 7 });

  it('daily: forecasts start on the run date, a stale_data warning, staleness measured to the run date', async () => {
    const res = await runPipeline({ input: join(EXPORTS, 'stale-daily.csv'), outDir: join(tmp, 'd'), config, runDate: '2026-12-04' });
    const stale = res.summary.warnings.filter((w) => w.code === 'stale_data');
    expect(stale).toHaveLength(1);
    // 2026-10-24 .. 2026-12-03: 41 days without data
    expect(stale[0].message).toMatch(/^the data ends on 2026-10-23, 41 days before the run date 2026-12-04: 41 days of sales are missing, so forecasts.csv starts with 2026-12-04/);
    const rows = readCsv(join(res.runDir, 'forecasts.csv'));
    const dates = [...new Set(rows.slice(1).map((r) => r[2]))];
    expect(dates).toEqual(['2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10']);
    expect(res.summary.forecast).toMatchObject({ horizon: 7, firstDate: '2026-12-04', lastDate: '2026-12-10' });
    const runJson = JSON.parse(readFileSync(join(res.runDir, 'run.json'), 'utf8'));
    expect(runJson.warnings.map((w: { code: string }) => w.code)).toContain('stale_data');
    const quality = readCsv(join(res.runDir, 'quality.csv'));
    const col = quality[0].indexOf('staleness_days');
    // both items sold on the last day: all their staleness is the gap
    expect(quality.slice(1).map((r) => r[col])).toEqual(['41', '41']);
    expect(readFileSync(join(res.runDir, 'report.html'), 'utf8')).toContain('41 days of sales are missing');
  }, 60_000);

  it('daily with levels and quantiles: forecasts-levels.csv and quantiles.csv start on the run date too', async () => {
    const res = await runPipeline({ input: join(EXPORTS, 'stale-daily.csv'), outDir: join(tmp, 'l'), config: parseConfig({ threads: 1, horizon: 7, levels: ['total'], quantiles: [0.5, 0.9] }), runDate: '2026-12-04' });
    for (const file of ['forecasts-levels.csv', 'quantiles.csv']) {
      const rows = readCsv(join(res.runDir, file));
      const col = rows[0].indexOf('date');
      const dates = [...new Set(rows.slice(1).map((r) => r[col]))].sort();
      expect(dates[0]).toBe('2026-12-04');
      expect(dates).toHaveLength(7);
    }
  }, 60_000);

  it('daily, fresh: no warning and forecasts from the day after the data', async () => {
    const res = await runPipeline({ input: join(EXPORTS, 'stale-daily.csv'), outDir: join(tmp, 'f'), config, runDate: '2026-10-24' });
    expect(res.summary.warnings.map((w) => w.code)).not.toContain('stale_data');
    expect(res.summary.forecast).toMatchObject({ firstDate: '2026-10-24', lastDate: '2026-10-30' });
  }, 60_000);

  it('weekly: forecasts start with the run date\'s week', async () => {
    const res = await runPipeline({ input: join(EXPORTS, 'stale-weekly.csv'), outDir: join(tmp, 'w'), config: parseConfig({ threads: 1, horizon: 4 }), runDate: '2026-12-04' });
    expect(res.summary.period?.grid.frequency).toBe('week');
    const stale = res.summary.warnings.find((w) => w.code === 'stale_data');
    // last week 2026-10-19..25; the run date's week starts 2026-11-30: 5 weeks missing; 2026-10-26..2026-12-03 is 39 days
    expect(stale?.message).toMatch(/^the data ends on 2026-10-25, 39 days before the run date 2026-12-04: 5 weeks of sales are missing, so forecasts.csv starts with week of 2026-11-30/);
    expect(res.summary.forecast).toMatchObject({ horizon: 4, firstDate: '2026-11-30', lastDate: '2026-12-21' });
    const quality = readCsv(join(res.runDir, 'quality.csv'));
    const col = quality[0].findIndex((c) => c.startsWith('staleness_'));
    expect(quality.slice(1).map((r) => r[col])).toEqual(['5', '5']);
  }, 60_000);

  it('stops with exit 3 (InputError) past validation.maxStaleDays', async () => {
    const strict = parseConfig({ threads: 1, horizon: 7, validation: { maxStaleDays: 40 } });
    await expect(runPipeline({ input: join(EXPORTS, 'stale-daily.csv'), outDir: join(tmp, 's'), config: strict, runDate: '2026-12-04' })).rejects.toThrow(InputError);
    const lenient = parseConfig({ threads: 1, horizon: 7, validation: { maxStaleDays: 41 } });
    const res = await runPipeline({ input: join(EXPORTS, 'stale-daily.csv'), outDir: join(tmp, 's2'), config: lenient, runDate: '2026-12-04' });
    expect(res.summary.forecast?.firstDate).toBe('2026-12-04');
  }, 60_000);
});
