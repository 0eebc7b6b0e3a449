import { resolveRules } from '../../../pipelines/ingest/profiles/export-profile.js';
import { onlineRetail } from '../../../pipelines/ingest/profiles/online-retail.js';
import { lastDateLabel } from '../../../pipelines/ingest/csv/date-cell.js';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import type { ConfigInput } from '../../../config/schema.js';
import { detectColumns } from '../../../pipelines/ingest/columns.js';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { ingestStream, type IngestResult } from '../../../pipelines/ingest/ingest.js';
import type { RejectedRow } from '../../../pipelines/types.js';
import {
  RowValidator,
  canonicalRowSchema,
  daysFromCivil,
  detectDateOrder,
  hasTimeOfDay,
  parseDateDay,
  parseNumberCell,
  validateRow,
} from '../../../pipelines/ingest/validate.js';

/** Ingest CSV text; returns the result and every rejected row. */
async function run(text: string, opts: { runDate?: string; config?: ConfigInput } = {}): Promise<{ res: IngestResult; rejected: RejectedRow[] }> {
  const rejected: RejectedRow[] = [];
  const [y, m, d] = (opts.runDate ?? '2024-12-31').split('-').map(Number);
  const res = await ingestStream([text], { config: parseConfig(opts.config ?? {}), runDay: dayFromYmd(y, m, d), onReject: (r) => rejected.push(r) });
  return { res, rejected };
}

describe('parseDateDay', () => {
  it('reads ISO dates and date-times, each on its own local date', () => {
    const d = dayFromYmd(2011, 1, 29);
    expect(parseDateDay('2011-01-29')).toBe(d);
    expect(parseDateDay(' 2011-01-29 ')).toBe(d);
    expect(parseDateDay('2011/01/29')).toBe(d);
    expect(parseDateDay('20110129')).toBe(d);
    expect(parseDateDay('2011-01-29 08:26')).toBe(d);
    expect(parseDateDay('2011-01-29 08:26:00')).toBe(d);
    expect(parseDateDay('2011-01-29T08:26:00.123Z')).toBe(d);
    // an offset says where the sale was made: its date as written is that place's day
    expect(parseDateDay('2011-01-29T23:30:00-05:00')).toBe(d);
    expect(parseDateDay('2011-01-29T01:00:00+0200')).toBe(d);
    expect(parseDateDay('2011-01-29 21:30:00 -0500')).toBe(d);
    expect(parseDateDay('2011-01-29T12:00+05')).toBe(d);
    expect(parseDateDay('2011-01-29T12:00+19')).toBeNaN();
    expect(parseDateDay('2011-01-29 8:26 PM')).toBe(d);
  });

  it('reads period labels as the first day of their period', () => {
    // ISO 8601: week 1 of 2016 starts Monday 2016-01-04; week 8 on 2016-02-22
    expect(parseDateDay('2016-W08')).toBe(dayFromYmd(2016, 2, 22));
    expect(lastDateLabel()).toBe(1);
    expect(parseDateDay('2016W08')).toBe(dayFromYmd(2016, 2, 22));
    expect(parseDateDay('2016-w01')).toBe(dayFromYmd(2016, 1, 4));
    expect(parseDateDay('2016-W08-3')).toBe(dayFromYmd(2016, 2, 24));
    expect(lastDateLabel()).toBe(0);
    // 2015 has 53 ISO weeks (it starts on a Thursday), 2016 has 52
    expect(parseDateDay('2015-W53')).toBe(dayFromYmd(2015, 12, 28));
    expect(parseDateDay('2016-W53')).toBeNaN();
    expect(parseDateDay('2016-02')).toBe(dayFromYmd(2016, 2, 1));
    expect(lastDateLabel()).toBe(2);
    expect(parseDateDay('2016/12')).toBe(dayFromYmd(2016, 12, 1));
    expect(parseDateDay('Feb 2016')).toBe(dayFromYmd(2016, 2, 1));
    expect(parseDateDay('february 2016')).toBe(dayFromYmd(2016, 2, 1));
    expect(parseDateDay('Sep-2016')).toBe(dayFromYmd(2016, 9, 1));
    for (const bad of ['2016-13', '2016.02', 'Febr 2016', 'Feb 16', '2016-2', 'Mon 2016', '5901.1']) expect(parseDateDay(bad)).toBeNaN();
    expect(parseDateDay('2016-02-22')).toBe(dayFromYmd(2016, 2, 22));
    expect(lastDateLabel()).toBe(0);
  });

  it('reads day-first or month-first slashed dates as told, and D.M.YYYY as day-first', () => {
    expect(parseDateDay('02/03/2011', 'dmy')).toBe(dayFromYmd(2011, 3, 2));
    expect(parseDateDay('02/03/2011', 'mdy')).toBe(dayFromYmd(2011, 2, 3));
    expect(parseDateDay('12/1/2010 8:26', 'mdy')).toBe(dayFromYmd(2010, 12, 1));
    expect(parseDateDay('13/01/2024', 'mdy')).toBeNaN();
    expect(parseDateDay('02.03.2011', 'mdy')).toBe(dayFromYmd(2011, 3, 2));
  });

  it('rejects impossible dates and other text', () => {
    for (const bad of ['2021-02-29', '2024-13-01', '2024-00-10', '2024-01-32', '2011-01-29 25:00', '2011-01-29T10:00+99:00', 'yesterday', '', '29-Jan-2011', '2011-01-29x', '123/4/2011']) {
      expect(parseDateDay(bad)).toBeNaN();
    }
    expect(parseDateDay('2024-02-29')).toBe(dayFromYmd(2024, 2, 29));
  });

  it('agrees with Date.UTC over four centuries', () => {
    for (let y = 1900; y <= 2300; y += 7) for (const [m, d] of [[1, 1], [2, 28], [3, 1], [12, 31]]) expect(daysFromCivil(y, m, d)).toBe(dayFromYmd(y, m, d));
  });

  it('tells time of day and slashed order from sample values', () => {
    expect(hasTimeOfDay('2010-12-01 08:26:00')).toBe(true);
    expect(hasTimeOfDay('2010-12-01 00:00:00')).toBe(false);
    expect(hasTimeOfDay('2010-12-01')).toBe(false);
    expect(detectDateOrder(['01/02/2024', '13/02/2024'])).toBe('dmy');
    expect(detectDateOrder(['01/02/2024', '02/13/2024'])).toBe('mdy');
    expect(detectDateOrder(['01/02/2024', '2024-05-06'])).toBeNull();
  });
});

describe('parseNumberCell', () => {
  it('reads finite decimals only', () => {
    expect(parseNumberCell(' 12 ')).toBe(12);
    expect(parseNumberCell('-0.5')).toBe(-0.5);
    expect(parseNumberCell('1e3')).toBe(1000);
    for (const bad of ['', '  ', 'x', '1,5', 'Infinity', '0x10', '0b1', 'NaN']) expect(parseNumberCell(bad)).toBeNaN();
    expect(parseNumberCell('1,5', true)).toBe(1.5);
  });
});

describe('reject codes (one tiny CSV each)', () => {
  const H = 'date,sku,qty,price\n';

  it('short_row: fewer fields than the header, or a non-empty extra field', async () => {
    const { res, rejected } = await run(H + '2024-01-01,A,3\n2024-01-02,A,3,1.0,extra\n2024-01-03,A,3,1.0,\n');
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([
      [2, ['short_row']],
      [3, ['short_row']],
    ]);
    expect(rejected[0].reason).toContain('expected 4 fields, got 3');
    expect(res.rows).toEqual({ read: 3, accepted: 1, rejected: 2 });
  });

  it('missing_date and bad_date (including dates before 1900)', async () => {
    const { rejected } = await run(H + ',A,1,1\n2024-02-30,A,1,1\nsoon,A,1,1\n0211-01-29,A,1,1\n');
    expect(rejected.map((r) => r.codes)).toEqual([['missing_date'], ['bad_date'], ['bad_date'], ['bad_date']]);
    expect(rejected[1].reason).toContain('"2024-02-30"');
    expect(rejected[3].reason).toContain('before 1900');
  });

  it('future_date, unless validation.rejectFutureDates is off', async () => {
    const text = H + '2024-06-30,A,1,1\n2024-07-01,A,1,1\n';
    const a = await run(text, { runDate: '2024-06-30' });
    expect(a.rejected.map((r) => [r.line, r.codes])).toEqual([[3, ['future_date']]]);
    expect(a.rejected[0].reason).toBe('date 2024-07-01 is after the run date 2024-06-30');
    const b = await run(text, { runDate: '2024-06-30', config: { validation: { rejectFutureDates: false } } });
    expect(b.res.rows.rejected).toBe(0);
  });

  it('implausible_date: before validation.minDate (default 20 years before the run date), or past a year ahead when future dates are allowed', async () => {
    const text = H + '2004-06-29,A,1,1\n2004-06-30,A,1,1\n1900-01-01,A,1,1\n2024-06-30,A,1,1\n';
    const a = await run(text, { runDate: '2024-06-30' });
    expect(a.rejected.map((r) => [r.line, r.codes])).toEqual([
      [2, ['implausible_date']],
      [4, ['implausible_date']],
    ]);
    expect(a.rejected[0].reason).toBe('date 2004-06-29 is before the earliest plausible date 2004-06-30 (validation.minDate; default 20 years before the run date)');
    const b = await run(text, { runDate: '2024-06-30', config: { validation: { minDate: '1900-01-01' } } });
    expect(b.res.rows.rejected).toBe(0);
    // 29 February: 20 years before 2024-02-29 is 2004-02-29, before 2025-02-28 it is 2005-02-28
    const leap = await run(H + '2004-02-28,A,1,1\n2004-02-29,A,1,1\n', { runDate: '2024-02-29' });
    expect(leap.rejected.map((r) => r.line)).toEqual([2]);
    const future = H + '2025-07-01,A,1,1\n2025-07-02,A,1,1\n';
    const c = await run(future, { runDate: '2024-06-30', config: { validation: { rejectFutureDates: false } } });
    expect(c.rejected.map((r) => [r.line, r.codes])).toEqual([[3, ['implausible_date']]]);
    expect(c.rejected[0].reason).toBe('date 2025-07-02 is more than 366 days after the run date 2024-06-30');
    await expect(run(text, { runDate: '2024-06-30', config: { validation: { minDate: '2024-07-01' } } })).rejects.toThrow(/validation.minDate 2024-07-01 lies after the run date/);
  });

  it('implausible_quantity: beyond validation.maxQuantity either way; 1e308 included', async () => {
    const { rejected, res } = await run(H + '2024-01-01,A,1000000,1\n2024-01-02,A,1000001,1\n2024-01-03,A,1e308,1\n2024-01-04,A,-1000001,1\n');
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([
      [3, ['implausible_quantity']],
      [4, ['implausible_quantity']],
      [5, ['implausible_quantity']],
    ]);
    expect(rejected[1].reason).toBe('quantity 1e+308 is beyond the plausible 1000000 units of one row (validation.maxQuantity)');
    expect(res.series[0].demand[0]).toBe(1_000_000);
    const raised = await run(H + '2024-01-02,A,1000001,1\n', { config: { validation: { maxQuantity: 1e9 } } });
    expect(raised.res.rows.accepted).toBe(1);
    expect(() => parseConfig({ validation: { maxQuantity: 1e13 } })).toThrow(/maxQuantity/);
  });

  it('line_too_long: nothing else is read from the line, and its first characters are kept', async () => {
    const { rejected, res } = await run(H + '2024-01-01,A,1,1\n2024-01-02,' + 'B'.repeat(2000) + ',1,1\n2024-01-03,A,2,1\n', { config: { validation: { maxLineChars: 1024 } } });
    expect(res.rows).toEqual({ read: 3, accepted: 2, rejected: 1 });
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([[3, ['line_too_long']]]);
    expect(rejected[0].raw).toEqual(['2024-01-02', 'B'.repeat(246)]); // 256 characters of fields
    expect(res.issueCounts).toEqual({ line_too_long: 1 });
  });

  it('messages quote at most 200 characters of a cell, control characters escaped', async () => {
    const { rejected } = await run(H + '2024-01-01,A,\u001b[2J' + '9'.repeat(500) + ',1\n');
    expect(rejected[0].reason).toBe(`quantity "\\u001b[2J${'9'.repeat(196)}…" (504 characters) is not a number`);
  });

  it('missing_sku', async () => {
    const { rejected } = await run(H + '2024-01-01, ,1,1\n');
    expect(rejected[0].codes).toEqual(['missing_sku']);
  });

  it('bad_quantity: empty, text or not finite', async () => {
    const { rejected } = await run(H + '2024-01-01,X1,,1\n2024-01-01,X2,three,1\n2024-01-01,X3,1e999,1\n');
    expect(rejected.map((r) => r.codes)).toEqual([['bad_quantity'], ['bad_quantity'], ['bad_quantity']]);
  });

  it('negative_quantity without a marker; kept as a return when rejectUnmarkedNegatives is off', async () => {
    const a = await run(H + '2024-01-01,A,-2,1\n');
    expect(a.rejected[0].codes).toEqual(['negative_quantity']);
    const b = await run(H + '2024-01-01,A,-2,1\n', { config: { validation: { rejectUnmarkedNegatives: false } } });
    expect(b.res.rows.accepted).toBe(1);
    expect(b.res.series[0].returns[0]).toBe(2);
    expect(b.res.series[0].demand[0]).toBe(0);
  });

  it('non_product: by default only whole codes that name a charge, never a product that merely looks like one', async () => {
    const codes = ['POST', 'Bank Charges', 'POSTAGE', 'Shipping', 'tip', 'COFFEE', 'ICED-COFFEE', 'TESTER-KIT', 'M', 'S', 'POSTER', 'SAMPLES', 'AMAZON FEE', 'ADJUST99', '85123A'];
    const { res, rejected } = await run(H + codes.map((s) => `2024-01-01,${s},1,1`).join('\n'));
    expect(rejected.map((r) => r.raw[1])).toEqual(['POST', 'Bank Charges', 'POSTAGE', 'Shipping', 'tip']);
    expect(rejected.every((r) => r.codes.join() === 'non_product')).toBe(true);
    expect(res.series.map((s) => s.sku).sort()).toEqual(['85123A', 'ADJUST99', 'AMAZON FEE', 'COFFEE', 'ICED-COFFEE', 'M', 'POSTER', 'S', 'SAMPLES', 'TESTER-KIT']);
  });

  it('non_product: the online-retail profile carries that export\'s codes and patterns', async () => {
    const codes = ['POST', 'Bank Charges', 'm', 'SAMPLES', 'AMAZON FEE', 'ADJUST99', 'POSTAGE', '85123A', 'POSTER'];
    const { res, rejected } = await run(H + codes.map((s) => `2024-01-01,${s},1,1`).join('\n'), { config: { profile: 'online-retail' } });
    expect(rejected.map((r) => r.raw[1])).toEqual(['POST', 'Bank Charges', 'm', 'SAMPLES', 'AMAZON FEE', 'ADJUST99', 'POSTAGE']);
    expect(res.series.map((s) => s.sku)).toEqual(['85123A', 'POSTER']);
    expect(res.profile).toEqual({ name: 'online-retail', title: 'UCI Online Retail invoice lines', by: 'setting' });
  });

  it('non_product lists come from config', async () => {
    const { rejected } = await run(H + '2024-01-01,POST,1,1\n2024-01-01,WRAP,1,1\n', { config: { validation: { nonProductCodes: ['wrap'], nonProductPatterns: [] } } });
    expect(rejected.map((r) => r.raw[1])).toEqual(['WRAP']);
  });

  it('duplicate_row: an exact repeat of a transaction line (all but the first)', async () => {
    const T = 'InvoiceNo,StockCode,Quantity,InvoiceDate\n';
    const line = '1001,A,2,2024-01-01 10:00:00';
    const { res, rejected } = await run(T + [line, '1001,A,2,2024-01-01 10:05:00', line, line].join('\n'));
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([
      [4, ['duplicate_row']],
      [5, ['duplicate_row']],
    ]);
    expect(res.series[0].demand[0]).toBe(4); // the two distinct lines, summed
    expect(res.duplicateTable?.lines).toBe(2);
  });

  it('duplicate_row and duplicate_key for daily totals: the first row is kept', async () => {
    const { res, rejected } = await run(H + '2024-01-01,A,3,1\n2024-01-02,A,4,1\n2024-01-01,A,3,1.5\n2024-01-02,A,9,1\n');
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([
      [4, ['duplicate_row']],
      [5, ['duplicate_key']],
    ]);
    expect(rejected[1].reason).toBe('conflicting daily total: 9 here, 4 kept from an earlier row for this store, sku and day');
    expect(Array.from(res.series[0].demand)).toEqual([3, 4]);
    expect(res.series[0].issues).toEqual({ duplicate_row: 1, duplicate_key: 1 });
  });

  it('duplicates are kept when validation.duplicateLines is keep, and counted when flag', async () => {
    const keep = await run(H + '2024-01-01,A,3,1\n2024-01-01,A,3,1\n', { config: { validation: { duplicateLines: 'keep' } } });
    expect(keep.res.rows.accepted).toBe(2);
    expect(keep.res.duplicateLines).toEqual({ policy: 'keep', lines: 0, units: 0, shareOfUnits: 0 });
    const flag = await run(H + '2024-01-01,A,3,1\n2024-01-01,A,3,1\n2024-01-02,A,2,1\n', { config: { validation: { duplicateLines: 'flag' } } });
    expect(flag.res.rows.accepted).toBe(3);
    // 3 of the 8 units read were a repeat, kept
    expect(flag.res.duplicateLines).toEqual({ policy: 'flag', lines: 1, units: 3, shareOfUnits: 3 / 8 });
    const drop = await run(H + '2024-01-01,A,3,1\n2024-01-01,A,3,1\n2024-01-02,A,2,1\n');
    expect(drop.res.rows).toEqual({ read: 3, accepted: 2, rejected: 1 });
    // 3 units dropped of 8 read
    expect(drop.res.duplicateLines).toEqual({ policy: 'drop', lines: 1, units: 3, shareOfUnits: 3 / 8 });
  });

  it('collects every reject reason of a row, as data', async () => {
    const { rejected } = await run(H + ',,lots,1\n');
    expect(rejected[0].codes).toEqual(['missing_date', 'missing_sku', 'bad_quantity']);
    expect(rejected[0].reason).toBe('date is empty; sku is empty; quantity "lots" is not a number');
    expect(rejected[0].raw).toEqual(['', '', 'lots', '1']);
  });
});

describe('flag codes (kept rows)', () => {
  const T = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Store\n';

  it('return: a cancellation invoice keeps its units out of demand', async () => {
    const { res } = await run(T + '1,A,x,5,2024-01-01 09:00,2,7,S\nC2,A,x,-2,2024-01-01 10:00,2,7,S\n');
    expect(res.rows.accepted).toBe(2);
    expect(res.issueCounts.return).toBe(1);
    const s = res.series[0];
    expect([s.demand[0], s.returns[0], s.price[0]]).toEqual([5, 2, 2]);
  });

  it('zero, negative and missing prices; missing store, description and customer', async () => {
    const { res } = await run(
      T +
        ['1,A,x,1,2024-01-01 09:00,0,7,S', '2,A,x,1,2024-01-01 09:00,-3,7,S', '3,A,x,1,2024-01-01 09:00,,7,S', '4,A,,1,2024-01-01 09:00,1,,', '5,A,x,1,2024-01-01 09:00,n/a,7,S'].join('\n'),
    );
    expect(res.rows).toEqual({ read: 5, accepted: 5, rejected: 0 });
    expect(res.issueCounts).toEqual({ zero_price: 1, negative_price: 1, missing_price: 2, missing_store: 1, missing_description: 1, missing_customer: 1 });
    // the row without a store forms its own series (store '')
    expect(res.series.map((s) => s.store)).toEqual(['', 'S']);
  });

  it('flags are counted on rejected rows too', async () => {
    const { res } = await run(T + '1,POST,,1,2024-01-01 09:00,0,,S\n');
    expect(res.issueCounts).toEqual({ non_product: 1, missing_description: 1, zero_price: 1, missing_customer: 1 });
  });
});

describe('canonicalRowSchema and validateRow', () => {
  it('the schema of record accepts canonical rows and refuses inconsistent ones', () => {
    const ok = { day: 1, store: '', sku: 'A', quantity: 2, price: NaN, txn: '', isReturn: false };
    expect(canonicalRowSchema.safeParse(ok).success).toBe(true);
    expect(canonicalRowSchema.safeParse({ ...ok, quantity: -1 }).success).toBe(false);
    expect(canonicalRowSchema.safeParse({ ...ok, quantity: -1, isReturn: true }).success).toBe(true);
    expect(canonicalRowSchema.safeParse({ ...ok, sku: '' }).success).toBe(false);
    expect(canonicalRowSchema.safeParse({ ...ok, day: 1.5 }).success).toBe(false);
  });

  it('validateRow agrees with ingest on the sample transactions, every accepted row passing the schema', async () => {
    const text = readFileSync(new URL('../../../data/sample-transactions.csv', import.meta.url), 'utf8');
    const [header, ...rows] = Papa.parse<string[]>(text.trim(), { delimiter: ',' }).data;
    const config = parseConfig({});
    // the header is the Online Retail export's: ingest picks its profile, the validator is given it
    const rules = resolveRules(config.validation, onlineRetail);
    const v = new RowValidator({ mapping: detectColumns(header), headerLength: header.length, config, runDay: dayFromYmd(2011, 1, 31), rules });
    const { res } = await run(text, { runDate: '2011-01-31' });
    expect(res.profile.by).toBe('header');
    let accepted = 0;
    for (const fields of rows) if (validateRow(fields, v).ok) accepted++;
    expect(rows.length).toBe(res.rows.read);
    // ingest additionally rejects the exact duplicate lines
    expect(accepted - (res.issueCounts.duplicate_row ?? 0)).toBe(res.rows.accepted);
  });
});
