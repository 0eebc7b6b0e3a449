import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { ConfigError, PathError, PayloadError } from '../../../pipelines/errors.js';
import { parseIsoDay } from '../../../pipelines/dates.js';
import {
  AFTER_DATA,
  afterDataRunDate,
  chooseRunDate,
  defaultRunDate,
  isPendingRunId,
  latestToday,
  pendingRunId,
  readBound,
  runDateOf,
  triggerDateDefault,
  deriveRunId,
  effectiveConfig,
  historyRunConfig,
  nightlyRunId,
  resolveRun,
  resolveRunDate,
  sideFileHashes,
  TODAY_UTC,
  todayInScheduleZone,
} from '../../../pipelines/run/run-request.js';

const dir = mkdtempSync(join(tmpdir(), 'run-request-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

// 2024-03-31 23:30 UTC is already 1 April in Tokyo (UTC+9)
const LATE_EVENING = Date.UTC(2024, 2, 31, 23, 30);

describe('run date', () => {
  it('takes the request, then the settings, then the default', () => {
    const tokyo = todayInScheduleZone(parseConfig({ schedule: { tz: 'Asia/Tokyo' } }));
    expect(defaultRunDate(TODAY_UTC, LATE_EVENING)).toBe('2024-03-31');
    expect(defaultRunDate(tokyo, LATE_EVENING)).toBe('2024-04-01');
    expect(resolveRunDate(undefined, {}, tokyo, LATE_EVENING)).toBe('2024-04-01');
    expect(resolveRunDate(undefined, { runDate: '2020-01-02' }, tokyo, LATE_EVENING)).toBe('2020-01-02');
    expect(resolveRunDate('2019-05-06', { runDate: '2020-01-02' }, tokyo, LATE_EVENING)).toBe('2019-05-06');
  });
  it('refuses a date that is not a calendar day', () => {
    expect(() => resolveRunDate('2021-02-30', {}, TODAY_UTC, 0)).toThrow(ConfigError);
    expect(() => resolveRunDate('31/03/2024', {}, TODAY_UTC, 0)).toThrow(/run date must be YYYY-MM-DD, got "31\/03\/2024"/);
  });
});

describe('effective settings and run ids', () => {
  const config = parseConfig({ dataDir: dir });
  it('merge the run date and horizon so that `forecast run --run-date D` derives the same id', () => {
    const eff = effectiveConfig(config, { horizon: 14 }, '2024-03-31');
    expect(eff.runDate).toBe('2024-03-31');
    expect(eff.horizon).toBe(14);
    expect(effectiveConfig(config, {}, '2024-03-31').horizon).toBe(config.horizon);
    // what configFromFlags gives `forecast run --run-date 2024-03-31 --horizon 14`
    const fromFlags = parseConfig({ dataDir: dir, runDate: '2024-03-31', horizon: 14 });
    expect(deriveRunId('abc', '2024-03-31', eff)).toBe(deriveRunId('abc', '2024-03-31', fromFlags));
  });
  it('reads a nightly history with column auto-detection', () => {
    const eff = effectiveConfig(parseConfig({ dataDir: dir, columns: { date: 'Day' } }), {}, '2024-03-31');
    expect(historyRunConfig(eff).columns).toEqual({});
  });
  it('derive a file run id from content, run date, calendar and the settings that change outputs', () => {
    const a = deriveRunId('abc', '2024-03-31', config);
    expect(a).toMatch(/^2024-03-31-[0-9a-f]{12}$/);
    expect(deriveRunId('abd', '2024-03-31', config)).not.toBe(a);
    expect(deriveRunId('abc', '2024-03-30', config)).not.toBe(a);
    expect(deriveRunId('abc', '2024-03-31', config, 'cal')).not.toBe(a);
    expect(deriveRunId('abc', '2024-03-31', parseConfig({ dataDir: dir, horizon: 7 }))).not.toBe(a);
    // where the data lives and how many threads fit it do not change the outputs
    expect(deriveRunId('abc', '2024-03-31', parseConfig({ dataDir: join(dir, 'x'), threads: 3 }))).toBe(a);
  });
  it('derive a nightly run id from the run date, calendar and horizon', () => {
    const a = nightlyRunId({ mode: 'incoming' }, '2016-03-27', { horizon: 28 });
    expect(a).toMatch(/^2016-03-27-nightly-[0-9a-f]{10}$/);
    expect(nightlyRunId({ mode: 'incoming' }, '2016-03-27', { horizon: 28 })).toBe(a);
    expect(nightlyRunId({ mode: 'incoming' }, '2016-03-27', { horizon: 14 })).not.toBe(a);
    expect(nightlyRunId({ mode: 'incoming' }, '2016-03-28', { horizon: 28 })).not.toBe(a);
    expect(nightlyRunId({ mode: 'incoming', calendar: 'cal.csv' }, '2016-03-27', { calendar: 'c1', horizon: 28 })).not.toBe(
      nightlyRunId({ mode: 'incoming', calendar: 'cal.csv' }, '2016-03-27', { calendar: 'c2', horizon: 28 }),
    );
  });
});

describe('resolveRun', () => {
  const config = parseConfig({ dataDir: dir, schedule: { tz: 'Asia/Tokyo' } });
  mkdirSync(join(dir, 'exports'), { recursive: true });
  writeFileSync(join(dir, 'exports', 'sales.csv'), 'date,sku,quantity\n2024-03-01,A,1\n');
  writeFileSync(join(dir, 'cal.csv'), 'date,event\n2024-03-01,x\n');

  it('hashes a file run once and derives the id forecast run gives it', async () => {
    const run = await resolveRun(config, { mode: 'input', input: 'exports/sales.csv', calendar: 'cal.csv' }, { at: LATE_EVENING });
    expect(run.runDate).toBe('2024-04-01');
    expect(run.ask).toEqual({ mode: 'input', input: 'exports/sales.csv', calendar: 'cal.csv', runDate: '2024-04-01' });
    expect(run.input).toEqual({ path: join(dir, 'exports', 'sales.csv'), sha256: sha('date,sku,quantity\n2024-03-01,A,1\n') });
    expect(run.calendar?.sha256).toBe(sha('date,event\n2024-03-01,x\n'));
    expect(run.config.runDate).toBe('2024-04-01');
    expect(run.runId).toBe(deriveRunId(run.input!.sha256, '2024-04-01', run.config, run.calendar!.sha256));
  });
  it('takes another default when asked', async () => {
    const run = await resolveRun(config, { mode: 'incoming' }, { at: LATE_EVENING, dateDefault: TODAY_UTC });
    expect(run.runDate).toBe('2024-03-31');
    expect(run.runId).toBe(nightlyRunId({ mode: 'incoming' }, '2024-03-31', { calendar: '', horizon: config.horizon ?? 0 }));
    expect(run.input).toBeUndefined();
  });
  it('refuses a missing input and a path outside the data directory', async () => {
    await expect(resolveRun(config, { mode: 'input', input: 'exports/none.csv' }, { at: 0 })).rejects.toThrow(PayloadError);
    await expect(resolveRun(config, { mode: 'input', input: '../outside.csv' }, { at: 0 })).rejects.toThrow(PathError);
  });
});

describe('run date from the data (issue 15)', () => {
  const config = parseConfig({ dataDir: dir, schedule: { tz: 'Asia/Tokyo' } });
  it('a file run without a date waits for its data; a named date or today is fixed at once', () => {
    // 23:30 UTC on 31 March is already 1 April from UTC+10 on; UTC+14 is the latest today anywhere
    expect(latestToday(LATE_EVENING)).toBe('2024-04-01');
    expect(latestToday(Date.UTC(2024, 2, 31, 9, 59))).toBe('2024-03-31');
    expect(latestToday(Date.UTC(2024, 2, 31, 10, 0))).toBe('2024-04-01');
    expect(chooseRunDate(undefined, {}, AFTER_DATA, LATE_EVENING)).toEqual({ source: 'after-data', notAfter: '2024-04-01' });
    expect(chooseRunDate(undefined, { runDate: '2020-01-02' }, AFTER_DATA, LATE_EVENING)).toEqual({ source: 'given', date: '2020-01-02' });
    expect(chooseRunDate('2019-05-06', {}, AFTER_DATA, LATE_EVENING)).toEqual({ source: 'given', date: '2019-05-06' });
    expect(chooseRunDate(undefined, {}, TODAY_UTC, LATE_EVENING)).toEqual({ source: 'today', date: '2024-03-31' });
    expect(() => chooseRunDate('2024-02-30', {}, AFTER_DATA, 0)).toThrow(ConfigError);
  });
  it('reads rows against the run date, or today for an after-data run, and fixes the date from the data only then', () => {
    const after = chooseRunDate(undefined, {}, AFTER_DATA, LATE_EVENING);
    const given = chooseRunDate('2019-05-06', {}, AFTER_DATA, LATE_EVENING);
    expect(readBound(after)).toEqual({ runDay: parseIsoDay('2024-04-01'), runDayName: 'today' });
    expect(readBound(given)).toEqual({ runDay: parseIsoDay('2019-05-06'), runDayName: 'the run date' });
    expect(runDateOf(after, parseIsoDay('2016-03-27'))).toBe('2016-03-28');
    expect(runDateOf(after, NaN)).toBe('2024-04-01');
    expect(runDateOf(given, parseIsoDay('2016-03-27'))).toBe('2019-05-06');
  });
  it('is the day after the last day the data covers, or the read bound when no row was accepted', () => {
    expect(afterDataRunDate(parseIsoDay('2016-03-27'), '2026-12-05')).toBe('2016-03-28');
    expect(afterDataRunDate(parseIsoDay('2024-02-28'), '2026-12-05')).toBe('2024-02-29');
    expect(afterDataRunDate(parseIsoDay('2023-12-31'), '2026-12-05')).toBe('2024-01-01');
    expect(afterDataRunDate(NaN, '2026-12-05')).toBe('2026-12-05');
  });
  it('triggers: a file run takes the day after its data, the nightly flow today in the schedule zone', () => {
    expect(triggerDateDefault({ mode: 'input' }, config)).toEqual(AFTER_DATA);
    expect(triggerDateDefault({ mode: 'incoming' }, config)).toEqual({ rule: 'today', tz: 'Asia/Tokyo' });
  });
  it('an after-data request is queued under a job id of its content and settings, with no run date', async () => {
    const run = await resolveRun(config, { mode: 'input', input: 'exports/sales.csv' }, { at: LATE_EVENING, dateDefault: AFTER_DATA });
    expect(run.runDate).toBeUndefined();
    expect(run.dateChoice).toEqual({ source: 'after-data', notAfter: '2024-04-01' });
    expect(run.ask).toEqual({ mode: 'input', input: 'exports/sales.csv' });
    expect(run.config.runDate).toBeUndefined();
    expect(run.runId).toMatch(/^after-data-[0-9a-f]{12}$/);
    expect(isPendingRunId(run.runId)).toBe(true);
    expect(isPendingRunId('2016-03-28-0123456789ab')).toBe(false);
    expect(run.runId).toBe(pendingRunId(run.input!.sha256, run.config));
    // an empty run date (a cleared form field) is none
    const empty = await resolveRun(config, { mode: 'input', input: 'exports/sales.csv', runDate: '' }, { at: LATE_EVENING, dateDefault: AFTER_DATA });
    expect(empty.runId).toBe(run.runId);
    expect(empty.ask).toEqual({ mode: 'input', input: 'exports/sales.csv' });
    // the same request at another time is the same job; other content, settings or calendar another
    const later = await resolveRun(config, { mode: 'input', input: 'exports/sales.csv' }, { at: LATE_EVENING + 86_400_000 * 30, dateDefault: AFTER_DATA });
    expect(later.runId).toBe(run.runId);
    expect(pendingRunId('other', run.config)).not.toBe(run.runId);
    expect(pendingRunId(run.input!.sha256, effectiveConfig(run.config, { horizon: 7 }, undefined))).not.toBe(run.runId);
    expect(pendingRunId(run.input!.sha256, run.config, 'cal')).not.toBe(run.runId);
    // a nightly-flow request never waits for its data: today in the schedule zone
    const nightly = await resolveRun(config, { mode: 'incoming' }, { at: LATE_EVENING, dateDefault: AFTER_DATA });
    expect(nightly.runDate).toBe('2024-04-01');
    expect(nightly.dateChoice.source).toBe('today');
  });
});

describe('side files in the run id (issue 16)', () => {
  it('hash what the stock and order files hold, not where they are', async () => {
    const a = join(dir, 'stock-a.csv');
    const b = join(dir, 'stock-b.csv');
    writeFileSync(a, 'store,sku,on_hand\nS1,A,3\n');
    writeFileSync(b, 'store,sku,on_hand\nS1,A,3\n');
    const at = (stockFile: string) => parseConfig({ dataDir: dir, replenishment: { stockFile } });
    const idOf = async (stockFile: string) => deriveRunId('abc', '2024-03-31', at(stockFile), '', await sideFileHashes(at(stockFile)));
    expect(await sideFileHashes(at(a))).toEqual({ stockFile: `sha256:${sha('store,sku,on_hand\nS1,A,3\n')}` });
    const first = await idOf(a);
    expect(await idOf(b)).toBe(first);
    writeFileSync(a, 'store,sku,on_hand\nS1,A,0\n');
    expect(await idOf(a)).not.toBe(first);
    expect(await sideFileHashes(at(join(dir, 'none.csv')))).toEqual({ stockFile: 'unreadable' });
    expect(await sideFileHashes(parseConfig({ dataDir: dir }))).toEqual({});
  });
  it('a request names them inside the data directory, as settings', async () => {
    const config = parseConfig({ dataDir: dir });
    writeFileSync(join(dir, 'exports', 'stock.csv'), 'store,sku,on_hand\nS1,A,3\n');
    const run = await resolveRun(config, { mode: 'input', input: 'exports/sales.csv', runDate: '2024-03-31', stock: 'exports/stock.csv' }, { at: 0 });
    expect(run.config.replenishment.stockFile).toBe(join(dir, 'exports', 'stock.csv'));
    // a nightly-flow request with a stock file is another nightly run than one without, and than one with other stock
    const plain = await resolveRun(config, { mode: 'incoming', runDate: '2024-03-31' }, { at: 0 });
    const stocked = await resolveRun(config, { mode: 'incoming', runDate: '2024-03-31', stock: 'exports/stock.csv' }, { at: 0 });
    expect(plain.runId).toBe(nightlyRunId({ mode: 'incoming' }, '2024-03-31', { calendar: '', horizon: config.horizon ?? 0 }));
    expect(stocked.runId).not.toBe(plain.runId);
    writeFileSync(join(dir, 'exports', 'stock.csv'), 'store,sku,on_hand\nS1,A,4\n');
    expect((await resolveRun(config, { mode: 'incoming', runDate: '2024-03-31', stock: 'exports/stock.csv' }, { at: 0 })).runId).not.toBe(stocked.runId);
    await expect(resolveRun(config, { mode: 'input', input: 'exports/sales.csv', onOrder: '../x.csv' }, { at: 0 })).rejects.toThrow(PathError);
    await expect(resolveRun(config, { mode: 'input', input: 'exports/sales.csv', suppliers: 'exports/none.csv' }, { at: 0 })).rejects.toThrow(/suppliers file not found/);
  });
});
