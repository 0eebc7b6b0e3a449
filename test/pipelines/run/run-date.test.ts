/**
 * The run date of a run on one file without one (issue 15): the day after the last day its data
 * covers, fixed once stage 1 has read the input, named in run.json (`runDateSource`), and the
 * same run as one given that date.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { dayFromYmd, formatDay } from '../../../pipelines/dates.js';
import { runPipeline, runValidation } from '../../../pipelines/run/run.js';
import { oldDataWarning } from '../../../pipelines/run/staleness.js';

const tmp = mkdtempSync(join(tmpdir(), 'run-date-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Units of series k on step t: a level with a deterministic wobble. */
const units = (k: number, t: number) => 10 + 5 * k + ((t * 3 + k) % 4);

function csv(name: string, dates: number[], extra: string[] = []): string {
  const lines = ['date,store,sku,units'];
  for (let k = 0; k < 2; k++) dates.forEach((d, t) => lines.push(`${formatDay(d)},S1,SKU${k},${units(k, t)}`));
  const path = join(tmp, name);
  writeFileSync(path, [...lines, ...extra].join('\n') + '\n');
  return path;
}

const firstForecastDate = (runDir: string) => readFileSync(join(runDir, 'forecasts.csv'), 'utf8').split(/\r?\n/)[1].split(',')[2];
const config = parseConfig({ threads: 1, horizon: 7 });

describe('a file run without a run date', () => {
  const last = dayFromYmd(2024, 3, 10);
  const days = Array.from({ length: 70 }, (_, i) => last - 69 + i);

  it('forecasts from the day after its last date, says so in run.json, and is the run given that date', async () => {
    const input = csv('daily.csv', days);
    const res = await runPipeline({ input, outDir: join(tmp, 'out-a'), config });
    expect(res.summary.runDate).toBe('2024-03-11');
    expect(res.summary.runDateSource).toBe('after-data');
    expect(res.summary.warnings.map((w) => w.code)).not.toContain('stale_data');
    expect(firstForecastDate(res.runDir)).toBe('2024-03-11');
    expect(res.runId).toMatch(/^2024-03-11-[0-9a-f]{12}$/);
    // `forecast run --run-date 2024-03-11`: the same run id and forecasts
    const given = await runPipeline({ input, outDir: join(tmp, 'out-b'), config: parseConfig({ threads: 1, horizon: 7, runDate: '2024-03-11' }) });
    expect(given.summary.runDateSource).toBe('given');
    expect(given.runId).toBe(res.runId);
    expect(readFileSync(join(given.runDir, 'forecasts.csv'), 'utf8')).toBe(readFileSync(join(res.runDir, 'forecasts.csv'), 'utf8'));
  }, 60_000);

  it('refuses a row dated in the future instead of taking its date (never a run date years ahead)', async () => {
    const input = csv('typo.csv', days, ['2099-01-01,S1,SKU0,5']);
    const res = await runValidation({ input, outDir: join(tmp, 'out-c'), config });
    expect(res.summary.runDate).toBe('2024-03-11');
    expect(res.summary.issues.future_date).toBe(1);
    // the reason names the bound it was read against, not the run date it would contradict
    expect(readFileSync(join(res.runDir, 'rejected.csv'), 'utf8')).toMatch(/,future_date,date 2099-01-01 is after today \d{4}-\d{2}-\d{2},/);
  }, 60_000);

  it('takes a weekly file to the end of its last week', async () => {
    const mon = dayFromYmd(2024, 1, 1); // a Monday
    const weeks = Array.from({ length: 60 }, (_, i) => mon + 7 * i);
    const input = csv('weekly.csv', weeks);
    const res = await runPipeline({ input, outDir: join(tmp, 'out-w'), config });
    const next = formatDay(weeks[weeks.length - 1] + 7);
    expect(res.summary.period?.grid.frequency).toBe('week');
    expect(res.summary.runDate).toBe(next);
    expect(res.summary.warnings.map((w) => w.code)).not.toContain('period_not_over');
    expect(res.summary.warnings.map((w) => w.code)).not.toContain('stale_data');
    expect(firstForecastDate(res.runDir)).toBe(next);
  }, 60_000);
});

describe('a run date from old data', () => {
  it('warns when the day after the data lies more than a week before today, naming the flag to use', () => {
    expect(oldDataWarning('2026-11-28', '2026-12-05')).toEqual([]);
    const [w] = oldDataWarning('2026-11-27', '2026-12-05');
    expect(w.code).toBe('old_data');
    expect(w.message).toBe(
      'no run date was given, so the run date is the day after the data, 2026-11-27, 8 days before today (2026-12-05): the forecasts and the order list start on 2026-11-27, not today; pass --run-date 2026-12-05 to forecast from today (the missing sales are then a stale_data warning)',
    );
  });
  it('is in run.json of a run without a run date on old data, and not of one given its date', async () => {
    const last = dayFromYmd(2024, 3, 10);
    const input = csv('old.csv', Array.from({ length: 70 }, (_, i) => last - 69 + i));
    const res = await runValidation({ input, outDir: join(tmp, 'out-old'), config });
    expect(res.summary.warnings.map((w) => w.code)).toContain('old_data');
    const given = await runValidation({ input, outDir: join(tmp, 'out-old'), config: parseConfig({ threads: 1, horizon: 7, runDate: '2024-03-11' }) });
    expect(given.summary.warnings.map((w) => w.code)).not.toContain('old_data');
  }, 60_000);
});
