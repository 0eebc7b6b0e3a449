/**
 * Weekly and monthly files through the whole in-process run (hand-made CSVs): the period is
 * detected, the forecasts are per period and dated by its first day, and their level is that of
 * the weekly (monthly) sales, not a multiple of it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { dayFromYmd, dayOfWeek, formatDay } from '../../../pipelines/dates.js';
import { forecastContext, loadPrepared, prepareRun, runPipeline, savePrepared } from '../../../pipelines/run/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'run-periods-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Units of series k in period t: a level with a small deterministic wobble (no randomness). */
const units = (k: number, t: number) => 20 + 10 * k + ((t * 7 + k * 3) % 5) - 2;

function csv(name: string, header: string, dates: number[], series = 3): string {
  const lines = [header];
  for (let k = 0; k < series; k++) dates.forEach((d, t) => lines.push(`${formatDay(d)},S1,SKU${k},${units(k, t)}`));
  const path = join(tmp, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
}

const config = parseConfig({ threads: 1 });
const MON = dayFromYmd(2014, 1, 6); // a Monday

describe('a weekly file', () => {
  it('is modelled in weeks: 13 weekly forecasts per series dated by Mondays, at the weekly level', async () => {
    const weeks = Array.from({ length: 120 }, (_, i) => MON + 7 * i);
    const input = csv('weekly.csv', 'date,store,sku,units', weeks);
    const res = await runPipeline({ input, outDir: join(tmp, 'out-w'), config, runDate: formatDay(weeks[weeks.length - 1] + 7) });
    expect(res.summary.period).toMatchObject({ grid: { frequency: 'week', weekStart: 0 }, source: 'detected', detected: 'week' });
    expect(res.summary.warnings.map((w) => w.code)).toContain('non_daily_period');
    const rows = readCsv(join(res.runDir, 'forecasts.csv'));
    expect(rows.length - 1).toBe(3 * 13);
    const last = weeks[weeks.length - 1];
    const dates = rows.slice(1, 14).map((r) => r[2]);
    expect(dates).toEqual(Array.from({ length: 13 }, (_, j) => formatDay(last + 7 * (j + 1))));
    for (let k = 0; k < 3; k++) {
      const f = rows.filter((r) => r[1] === `SKU${k}`).map((r) => Number(r[3]));
      const level = 20 + 10 * k;
      // the wobble is ±2 around the level: a forecast at a multiple of it would be a daily reading
      for (const v of f) expect(Math.abs(v - level)).toBeLessThan(3);
    }
    const quality = readCsv(join(res.runDir, 'quality.csv'));
    expect(quality[0]).toContain('history_weeks');
    expect(quality[1][quality[0].indexOf('history_weeks')]).toBe('120');
    expect(quality[1][quality[0].indexOf('missing_weeks')]).toBe('0');
    const report = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    expect(report).toContain('Weekly periods, detected from the spacing of the dates');
    expect(report).toContain(`week of ${formatDay(last + 7)}`);
  }, 60_000);

  it('dated by week ends under a week_ending header is the same weeks, dated by their Mondays', async () => {
    const sundays = Array.from({ length: 120 }, (_, i) => MON + 6 + 7 * i);
    const input = csv('weekly-end.csv', 'week_ending,store,sku,units', sundays);
    const res = await runPipeline({ input, outDir: join(tmp, 'out-we'), config: parseConfig({ threads: 1, columns: { date: 'week_ending' } }), runDate: formatDay(sundays[sundays.length - 1] + 1) });
    expect(res.summary.period).toMatchObject({ grid: { frequency: 'week', weekStart: 0 }, weekDates: 'end' });
    const first = readCsv(join(res.runDir, 'forecasts.csv'))[1][2];
    expect(first).toBe(formatDay(sundays[sundays.length - 1] + 1));
  }, 60_000);
});

describe('a monthly file and a daily file summed into weeks', () => {
  it('reads last-day-of-month dates as months and forecasts 12 months from the run date\'s month, dated by their first days', async () => {
    const ends = Array.from({ length: 40 }, (_, i) => dayFromYmd(2012 + Math.floor((i + 1) / 12), ((i + 1) % 12) + 1, 1) - 1);
    const input = csv('monthly.csv', 'date,store,sku,units', ends, 1);
    const res = await runPipeline({ input, outDir: join(tmp, 'out-m'), config, runDate: '2016-03-31' });
    expect(res.summary.period?.grid.frequency).toBe('month');
    const rows = readCsv(join(res.runDir, 'forecasts.csv'));
    expect(rows.length - 1).toBe(12);
    expect(rows.slice(1).every((r) => r[2].endsWith('-01'))).toBe(true);
    // the data ends with Apr 2015, the run date is 2016-03-31: May 2015 to Feb 2016 are 10 whole
    // months missing, forecast but not published; forecasts.csv starts with the run date's month
    // (a gap of more than a year stops the run: test/pipelines/run/staleness.test.ts)
    expect(rows[1][2]).toBe('2016-03-01');
    expect(rows[12][2]).toBe('2017-02-01');
    const stale = res.summary.warnings.find((w) => w.code === 'stale_data');
    // 2015-05-01 to 2016-03-30: 335 days
    expect(stale?.message).toMatch(/^the data ends on 2015-04-30, 335 days before the run date 2016-03-31: 10 months of sales are missing, so forecasts.csv starts with Mar 2016/);
  }, 60_000);

  it('sums a daily file into Monday weeks when asked, leaving out the part-weeks at its ends', async () => {
    // Wednesday 2014-01-08 for 100 days: 3 units a day
    const start = MON + 2;
    const lines = ['date,store,sku,units'];
    for (let d = 0; d < 100; d++) lines.push(`${formatDay(start + d)},S1,A,3`);
    const input = join(tmp, 'daily.csv');
    writeFileSync(input, lines.join('\n') + '\n');
    // no run date: the day after the data (Friday 2014-04-18, in the part-week left out)
    const res = await runPipeline({ input, outDir: join(tmp, 'out-dw'), config: parseConfig({ threads: 1, periods: { frequency: 'week' }, horizon: 4 }) });
    expect(res.summary.runDate).toBe('2014-04-18');
    expect(res.summary.warnings.map((w) => w.code)).not.toContain('stale_data');
    expect(res.summary.period).toMatchObject({ source: 'configured', detected: 'day', grid: { frequency: 'week', weekStart: 0 } });
    expect(res.summary.warnings.filter((w) => w.code === 'part_period')).toHaveLength(2);
    const rows = readCsv(join(res.runDir, 'forecasts.csv')).slice(1);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => dayOfWeek(Math.round(Date.parse(r[2]) / 86_400_000)) === 0)).toBe(true);
    for (const r of rows) expect(Number(r[3])).toBeCloseTo(21, 6);
  }, 60_000);
});

describe('what a weekly run warns about and leaves alone', () => {
  it('warns when the last week is not over on the run date, and a later daily run does not score its weekly forecasts against days', async () => {
    const weeks = Array.from({ length: 60 }, (_, i) => MON + 7 * i);
    const last = weeks[weeks.length - 1];
    const out = join(tmp, 'out-mixed');
    const input = csv('weekly-open.csv', 'date,store,sku,units', weeks, 1);
    const res = await runPipeline({ input, outDir: out, config, runDate: formatDay(last + 2) });
    const open = res.summary.warnings.find((w) => w.code === 'period_not_over');
    expect(open?.message).toContain(`week of ${formatDay(last)}`);
    // daily sales over the weeks that run forecast, into the same output directory
    const lines = ['date,store,sku,units'];
    for (let d = MON; d < last + 40; d++) lines.push(`${formatDay(d)},S1,SKU0,3`);
    const daily = join(tmp, 'daily-after.csv');
    writeFileSync(daily, lines.join('\n') + '\n');
    const later = await runPipeline({ input: daily, outDir: out, config, runDate: formatDay(last + 40) });
    expect(later.summary.period?.grid.frequency).toBe('day');
    expect((later.summary.impact as { realized: unknown[] }).realized).toEqual([]);
  }, 60_000);
});

describe('a queued weekly run', () => {
  it('carries its period through the prepared-run file the train workers read', async () => {
    const weeks = Array.from({ length: 30 }, (_, i) => MON + 7 * i);
    const input = csv('weekly-queued.csv', 'date,store,sku,units', weeks, 2);
    // the data's last week is 2014-07-28; the run date's week, 2014-08-11, is one week later
    const prep = await prepareRun({ input, outDir: join(tmp, 'out-q'), config, runDate: '2014-08-13' });
    await savePrepared(prep);
    const back = await loadPrepared(prep.stagingDir);
    const ctx = forecastContext(back, config);
    expect(ctx.grid).toEqual({ frequency: 'week', weekStart: 0 });
    expect(back.lead).toBe(1);
    expect(ctx.horizon).toBe(13 + 1);
    expect(back.period?.reason).toBe(prep.period?.reason);
    expect(back.series[0].demand.length).toBe(30);
  }, 60_000);
});

describe('a daily file shorter than a whole week, asked for weeks', () => {
  it('stops with a message about whole weeks, not about rejected rows', async () => {
    const lines = ['date,store,sku,units'];
    for (let d = 2; d < 6; d++) lines.push(`${formatDay(MON + d)},S1,A,3`); // Wednesday to Saturday
    const input = join(tmp, 'short.csv');
    writeFileSync(input, lines.join('\n') + '\n');
    await expect(runPipeline({ input, outDir: join(tmp, 'out-short'), config: parseConfig({ threads: 1, periods: { frequency: 'week' } }), runDate: '2016-06-30' })).rejects.toThrow(
      /cover no whole week, so there is nothing to forecast/,
    );
  }, 60_000);
});

