import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { CsvReader, streamSource } from '../../../pipelines/ingest/csv/csv-reader.js';
import { dayFromYmd, formatDay } from '../../../pipelines/dates.js';
import { InputError } from '../../../pipelines/errors.js';
import { ingestFile, ingestStream, type IngestOptions, type IngestResult } from '../../../pipelines/ingest/ingest.js';
import type { CanonicalRow, RejectedRow } from '../../../pipelines/types.js';
import { canonicalRowSchema } from '../../../pipelines/ingest/validate.js';

const SALES = fileURLToPath(new URL('../../../data/sample-sales.csv', import.meta.url));
const TRANSACTIONS = fileURLToPath(new URL('../../../data/sample-transactions.csv', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const config = parseConfig({});
const tmp = mkdtempSync(join(tmpdir(), 'ingest-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function opts(runDate: string, rejected: RejectedRow[] = [], extra: Partial<IngestOptions> = {}): IngestOptions {
  const [y, m, d] = runDate.split('-').map(Number);
  return { config, runDay: dayFromYmd(y, m, d), onReject: (r) => rejected.push(r), ...extra };
}

/** 1-based line numbers of the lines of a file (without quoted line breaks) that satisfy `pred`. */
function linesWhere(path: string, pred: (line: string) => boolean): number[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l, i) => (pred(l) ? [i + 1] : []));
}

describe('ingestFile on the bundled M5 sample (data/README.md lists its defects)', () => {
  it('accepts the real rows and rejects exactly the planted defects, at their lines', async () => {
    const rejected: RejectedRow[] = [];
    const res = await ingestFile(SALES, opts('2016-03-27', rejected));
    expect(res.kind).toBe('daily');
    expect(res.rows).toEqual({ read: 5854, accepted: 5847, rejected: 7 });
    const dup = linesWhere(SALES, (l) => l.startsWith('"2015-06-15","CA_1","FOODS_1_218"'));
    const key = linesWhere(SALES, (l) => l.startsWith('"2015-12-24","WI_1","HOBBIES_2_057"'));
    expect(dup).toHaveLength(2);
    expect(key).toHaveLength(2);
    expect(rejected.map((r) => [r.line, r.codes.join(';')])).toEqual(
      [
        [dup[1], 'duplicate_row'],
        [linesWhere(SALES, (l) => l.includes('"POST"'))[0], 'non_product'],
        [linesWhere(SALES, (l) => l.startsWith('"2015-02-30"'))[0], 'bad_date'],
        [linesWhere(SALES, (l) => l.includes(',-4,'))[0], 'negative_quantity'],
        [linesWhere(SALES, (l) => l.includes(',"",'))[0], 'missing_sku'],
        [linesWhere(SALES, (l) => l.startsWith('"2061-'))[0], 'future_date'],
        [key[1], 'duplicate_key'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(res.series.map((s) => `${s.store}/${s.sku}`)).toEqual([
      'CA_1/FOODS_1_218',
      'CA_1/FOODS_3_702',
      'CA_1/HOBBIES_1_157',
      'TX_1/FOODS_1_218',
      'TX_1/HOUSEHOLD_1_521',
      'TX_1/HOUSEHOLD_2_448',
      'WI_1/FOODS_3_702',
      'WI_1/HOBBIES_2_057',
    ]);
    expect(formatDay(res.start)).toBe('2014-03-28');
    expect(formatDay(res.end)).toBe('2016-03-27');
    for (const s of res.series) expect(s.demand.length).toBe(731);
    // the rejected negative row leaves its day unobserved
    const tx = res.series[3];
    expect(tx.observed[dayFromYmd(2015, 11, 2) - tx.start]).toBe(0);
    expect(tx.rejectedRows).toBe(1);
    // the rejected sku-less and POST rows belong to no series
    expect(res.rejectedUnattributed).toBe(2);
  });

  it('reads the same from a gzip copy, reporting progress up to the file size', async () => {
    const gz = join(tmp, 'sample-sales.csv.gz');
    const bytes = gzipSync(readFileSync(SALES));
    writeFileSync(gz, bytes);
    const seen: number[] = [];
    const plain = await ingestFile(SALES, opts('2016-03-27'));
    const zipped = await ingestFile(gz, opts('2016-03-27', [], { onProgress: (done, total) => seen.push(done, total) }));
    expect(zipped.rows).toEqual(plain.rows);
    expect(zipped.series.map((s) => Array.from(s.demand))).toEqual(plain.series.map((s) => Array.from(s.demand)));
    expect(seen.at(-2)).toBe(bytes.length);
    expect(seen.at(-1)).toBe(bytes.length);
  });
});

describe('ingestFile on the bundled online-retail sample', () => {
  it('finds every defect class, with counts from an independent pass', async () => {
    // Expected: Python's csv module over data/sample-transactions.csv with the rules of
    // bench/checks/online-retail.ts (exact duplicate field tuples; "C" invoices with negative
    // quantity; other negatives; UnitPrice == 0; empty Description / CustomerID; default
    // non-product codes and patterns; days without an accepted line).
    const rejected: RejectedRow[] = [];
    const res = await ingestFile(TRANSACTIONS, opts('2011-01-31', rejected));
    expect(res.kind).toBe('transactions');
    expect(res.rows).toEqual({ read: 3593, accepted: 3501, rejected: 92 });
    expect(res.issueCounts).toMatchObject({
      duplicate_row: 14,
      return: 94,
      negative_quantity: 35,
      zero_price: 39,
      missing_description: 37,
      missing_customer: 1279,
      non_product: 43,
    });
    expect(res.series).toHaveLength(1529);
    expect(res.series.every((s) => s.store === '')).toBe(true);
    expect(rejected).toHaveLength(92);
    let noTrade = 0;
    for (const f of res.tradingDays.all) noTrade += f ? 0 : 1;
    expect(noTrade).toBe(19);
    // a cancellation's units are returns, not negative demand
    for (const s of res.series) for (let i = 0; i < s.demand.length; i++) expect(s.demand[i]).toBeGreaterThanOrEqual(0);
  });
});

describe('onAccept', () => {
  it('hands over every accepted row in canonical form, each passing the schema of record', async () => {
    const accepted: CanonicalRow[] = [];
    const res = await ingestFile(TRANSACTIONS, opts('2011-01-31', [], { onAccept: (r) => accepted.push(r) }));
    expect(accepted).toHaveLength(res.rows.accepted);
    for (const r of accepted) expect(canonicalRowSchema.safeParse(r).success).toBe(true);
    const returns = accepted.filter((r) => r.isReturn);
    expect(returns.length).toBeGreaterThan(0);
    expect(returns.every((r) => r.quantity < 0 && r.txn.startsWith('C'))).toBe(true);
  });
});

describe('fixtures: formats', () => {
  it('semicolons, day-first dates and decimal commas; rows out of date order', async () => {
    const res = await ingestFile(join(FIXTURES, 'european.csv'), opts('2024-12-31'));
    expect(res.delimiter).toBe(';');
    expect(res.dateOrder).toBe('dmy');
    expect(res.rows).toEqual({ read: 4, accepted: 4, rejected: 0 });
    const [a, b] = res.series;
    expect([a.sku, formatDay(a.start), a.demand.length]).toEqual(['A1', '2024-01-02', 13]);
    expect(a.demand[0]).toBe(1);
    expect(a.demand[11]).toBe(3);
    expect(a.demand[12]).toBe(2);
    expect(Array.from(a.observed).reduce((x, y) => x + y, 0)).toBe(3);
    expect(a.price[11]).toBe(1.5);
    expect(a.price[5]).toBeNaN();
    expect([b.sku, formatDay(b.start), Array.from(b.demand), b.price[0]]).toEqual(['B2', '2024-01-13', [0.5, 0], 4]);
  });

  it('slashed dates that never tell day from month are read day first and flagged; one telling date settles it', async () => {
    const us = await ingestStream(['Date,Item,Qty\n11/01/2026,A,1\n11/12/2026,A,2\n'], opts('2026-12-31'));
    expect(us.dateOrder).toBe('dmy');
    expect(us.ambiguousDateOrder).toEqual({ example: '11/01/2026' });
    const told = await ingestStream(['Date,Item,Qty\n11/01/2026,A,1\n11/13/2026,A,2\n'], opts('2026-12-31'));
    expect(told.dateOrder).toBe('mdy');
    expect(told.ambiguousDateOrder).toBeUndefined();
    const iso = await ingestStream(['Date,Item,Qty\n2026-11-01,A,1\n'], opts('2026-12-31'));
    expect(iso.ambiguousDateOrder).toBeUndefined();
    const set = await ingestStream(['Date,Item,Qty\n11/01/2026,A,1\n'], opts('2026-12-31', [], { config: parseConfig({ validation: { dateOrder: 'mdy' } }) }));
    expect(set.ambiguousDateOrder).toBeUndefined();
  });

  it('price cells that are not numbers are counted with the first one (empty ones are not): their rows keep no price', async () => {
    const r = await ingestStream(['sku,qty,date,price\nA,1,2026-12-01,"1,99"\nA,2,2026-12-02,\nB,3,2026-12-01,$2.50\nB,1,2026-12-02,2.5\n'], opts('2026-12-31'));
    expect(r.rows).toEqual({ read: 4, accepted: 4, rejected: 0 });
    expect(r.unreadablePrice).toEqual({ cells: 2, example: '1,99' });
    expect(Array.from(r.series.find((x) => x.sku === 'B')!.price)).toEqual([NaN, 2.5]);
    // read in a semicolon file, a decimal comma is a number
    const semi = await ingestStream(['sku;qty;date;price\nA;1;2026-12-01;1,99\nA;2;2026-12-02;\n'], opts('2026-12-31'));
    expect(semi.unreadablePrice).toBeUndefined();
    expect(semi.series[0].price[0]).toBe(1.99);
  });

  it('points grouping thousands in a decimal-comma file: 1.200 is 1200 when the file writes decimal commas, and is counted when nothing tells', async () => {
    const sum = (r: IngestResult, sku: string) => Array.from(r.series.find((x) => x.sku === sku)!.demand).reduce((a, b) => a + b, 0);
    // a German export: prices with decimal commas tell that a point groups thousands
    const german = await ingestStream(['Artikelnummer;Menge;Datum;Preis\n4711;1.200;01.12.2026;2,50\n4711;1.234,5;02.12.2026;1.299,00\n4712;3;01.12.2026;0,99\n'], opts('2026-12-31'));
    expect(german.rows).toEqual({ read: 3, accepted: 3, rejected: 0 });
    expect(sum(german, '4711')).toBe(2434.5);
    expect(german.series.find((x) => x.sku === '4711')!.price[1]).toBe(1299);
    expect(german.pointGroupedAsDecimal).toBeUndefined();
    // decimal points elsewhere in the file: the point is decimal
    const points = await ingestStream(['sku;qty;date\nA;1.200;2026-12-01\nA;0.5;2026-12-02\n'], opts('2026-12-31'));
    expect(sum(points, 'A')).toBeCloseTo(1.7, 10);
    expect(points.pointGroupedAsDecimal).toBeUndefined();
    // whole numbers only: 1.200 stays 1.2 (as before) but is counted for a warning
    const untold = await ingestStream(['sku;qty;date\nA;4;2026-12-01\nA;1.200;2026-12-02\nB;12.000;2026-12-02\n'], opts('2026-12-31'));
    expect(untold.rows.rejected).toBe(0);
    expect(sum(untold, 'A')).toBeCloseTo(5.2, 10);
    expect(sum(untold, 'B')).toBeCloseTo(12, 10);
    expect(untold.pointGroupedAsDecimal).toEqual({ cells: 2, example: '1.200' });
    // a comma-separated file: a point is always decimal, never counted
    const commas = await ingestStream(['sku,qty,date\nA,1.200,2026-12-01\n'], opts('2026-12-31'));
    expect(sum(commas, 'A')).toBeCloseTo(1.2, 10);
    expect(commas.pointGroupedAsDecimal).toBeUndefined();
  });

  it('timestamps with an offset count on their own local date, Z ones on the UTC date; lines of a day are summed, prices averaged', async () => {
    const rejected: RejectedRow[] = [];
    const res = await ingestFile(join(FIXTURES, 'timestamps.csv'), opts('2024-12-31', rejected));
    expect(res.kind).toBe('transactions');
    expect(res.timezone).toBeNull();
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([[6, ['duplicate_row']]]);
    // O1 23:30 at -02:00 is the 9th where it was sold; O4 00:10 at +01:00 the 11th
    expect(formatDay(res.start)).toBe('2024-03-09');
    expect(formatDay(res.end)).toBe('2024-03-11');
    const [p1, p2] = res.series;
    expect([p1.sku, formatDay(p1.start), Array.from(p1.demand), Array.from(p1.price)]).toEqual(['P1', '2024-03-09', [2, 1, 0], [1, 1.2, NaN]]);
    expect([p2.sku, formatDay(p2.start), Array.from(p2.demand)]).toEqual(['P2', '2024-03-10', [5, 1]]);
  });

  it('config timezone moves UTC timestamps to the shop\'s local date', async () => {
    const res = await ingestFile(join(FIXTURES, 'timestamps.csv'), { ...opts('2024-12-31'), config: parseConfig({ timezone: 'America/Anchorage' }) });
    expect(res.timezone).toBe('America/Anchorage');
    // O2 08:00Z is 23:00 on the 9th in Anchorage (UTC-9 until the 10th, 02:00 local)
    const [p1] = res.series;
    expect([formatDay(p1.start), Array.from(p1.demand), Array.from(p1.price)]).toEqual(['2024-03-09', [3, 0, 0], [1.1, NaN, NaN]]);
  });
});

describe('input errors and edge cases', () => {
  it('a missing file, an empty file, a blank file and an unknown header are InputErrors', async () => {
    await expect(ingestFile(join(tmp, 'nope.csv'), opts('2024-01-01'))).rejects.toThrow(/input file not found/);
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, '');
    await expect(ingestFile(empty, opts('2024-01-01'))).rejects.toBeInstanceOf(InputError);
    await expect(ingestStream(['\n \n'], opts('2024-01-01'))).rejects.toThrow(/empty: no header line/);
    await expect(ingestStream(['when,what\n1,2\n'], opts('2024-01-01'))).rejects.toThrow(InputError);
  });

  it('a header-only file gives no rows and no series, not an error', async () => {
    let header: string[] = [];
    const res = await ingestStream(['\uFEFFdate,sku,qty\r\n'], opts('2024-01-01', [], { onHeader: (h) => (header = h) }));
    expect(header).toEqual(['date', 'sku', 'qty']);
    expect(res.rows).toEqual({ read: 0, accepted: 0, rejected: 0 });
    expect(res.series).toEqual([]);
    expect(res.start).toBeNaN();
  });

  it('an explicit column mapping from config overrides detection', async () => {
    const cfg = parseConfig({ columns: { date: 'When', sku: 'Article', quantity: 'Amount' } });
    const res = await ingestStream(['When,Article,Amount,units\n2024-01-01,A,5,99\n'], { config: cfg, runDay: dayFromYmd(2024, 1, 1) });
    expect(res.mapping).toEqual({ date: 'When', sku: 'Article', quantity: 'Amount' });
    expect(res.series[0].demand[0]).toBe(5);
  });

  it('each series runs from its first row to the batch end, sorted by store then sku', async () => {
    const res = await ingestStream(['store,sku,date,qty\nS2,A,2024-01-05,1\nS1,K,2024-01-03,2\nS1,A,2024-01-01,3\n'], opts('2024-12-31'));
    expect(res.series.map((s) => [s.key, formatDay(s.start), s.demand.length])).toEqual([
      ['S1\u0000A', '2024-01-01', 5],
      ['S1\u0000K', '2024-01-03', 3],
      ['S2\u0000A', '2024-01-05', 1],
    ]);
    expect(Array.from(res.tradingDays.byStore.S1)).toEqual([1, 0, 1, 0, 0]);
  });
});

describe('ingest properties', () => {
  it('daily totals in any row order build the same series', async () => {
    const rowArb = fc.uniqueArray(
      fc.record({ store: fc.constantFrom('S1', 'S2'), sku: fc.constantFrom('A', 'K', 'Z'), day: fc.integer({ min: 0, max: 400 }), qty: fc.integer({ min: 0, max: 50 }) }),
      { minLength: 1, maxLength: 60, selector: (r) => `${r.store}|${r.sku}|${r.day}` },
    );
    // with the default gap (no silence over 365 days here) and with a 28-day one, which detaches
    // every cluster of rows but the last of each series: the same series and counts in any order
    const gapped = parseConfig({ validation: { maxGapDays: 28 } });
    await fc.assert(
      fc.asyncProperty(rowArb, fc.func(fc.integer()), fc.boolean(), async (rows, order, small) => {
        const base = dayFromYmd(2023, 1, 1);
        const line = (r: (typeof rows)[number]) => `${r.store},${r.sku},${formatDay(base + r.day)},${r.qty}`;
        const sorted = [...rows].sort((a, b) => a.store.localeCompare(b.store) || a.sku.localeCompare(b.sku) || a.day - b.day);
        const shuffled = [...rows].sort((a, b) => order(a) - order(b) || a.day - b.day);
        const o = { ...opts('2024-12-31'), ...(small ? { config: gapped } : {}) };
        const one = await ingestStream(['store,sku,date,qty\n' + sorted.map(line).join('\n')], o);
        const two = await ingestStream(['store,sku,date,qty\n' + shuffled.map(line).join('\n')], o);
        const view = (r: IngestResult) => r.series.map((s) => [s.key, s.start, Array.from(s.demand), Array.from(s.observed), s.acceptedRows, s.issues]);
        expect(view(two)).toEqual(view(one));
        expect(two.detached).toEqual(one.detached);
        expect(two.start).toBe(one.start);
        // independently: per series, the rows after its last silence longer than the gap
        const gap = small ? 28 : 365;
        let keptRows = 0;
        let keptUnits = 0;
        const bySeries = new Map<string, typeof rows>();
        for (const r of rows) bySeries.set(`${r.store}|${r.sku}`, [...(bySeries.get(`${r.store}|${r.sku}`) ?? []), r]);
        for (const rs of bySeries.values()) {
          const days = rs.map((r) => r.day).sort((a, b) => a - b);
          let from = days[0];
          for (let i = 1; i < days.length; i++) if (days[i] - days[i - 1] > gap) from = days[i];
          for (const r of rs) if (r.day >= from) (keptRows++, (keptUnits += r.qty));
        }
        const total = rows.reduce((a, r) => a + r.qty, 0);
        expect(one.series.reduce((a, s) => a + s.demand.reduce((x, y) => x + y, 0), 0)).toBe(keptUnits);
        expect(one.series.reduce((a, s) => a + s.acceptedRows, 0)).toBe(keptRows);
        expect(one.detached.rows).toBe(rows.length - keptRows);
        expect(one.detached.units).toBe(total - keptUnits);
        expect(one.rows).toEqual({ read: rows.length, accepted: rows.length, rejected: 0 });
      }),
      { numRuns: 200 },
    );
  });

  it('transaction lines in any order, with silences: the same series, and every row either in its series or detached', async () => {
    const rowArb = fc.array(
      fc.record({ sku: fc.constantFrom('A', 'K'), day: fc.integer({ min: 0, max: 300 }), qty: fc.integer({ min: -3, max: 20 }), price: fc.constantFrom('', '0', '1.5', '2') }),
      { minLength: 1, maxLength: 80 },
    );
    const gapped = parseConfig({ validation: { maxGapDays: 28, rejectUnmarkedNegatives: false } });
    await fc.assert(
      fc.asyncProperty(rowArb, fc.func(fc.integer()), async (rows, order) => {
        const base = dayFromYmd(2023, 1, 1);
        const lines = rows.map((r, i) => ({ r, text: `T${i},${r.sku},${r.qty},${formatDay(base + r.day)}T10:00:00,${r.price}` }));
        const shuffled = [...lines].sort((a, b) => order(a.r) - order(b.r));
        const o = { ...opts('2024-12-31'), config: gapped };
        const head = 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n';
        const one = await ingestStream([head + lines.map((l) => l.text).join('\n')], o);
        const two = await ingestStream([head + shuffled.map((l) => l.text).join('\n')], o);
        const view = (r: IngestResult) => r.series.map((s) => [s.key, s.start, Array.from(s.demand), Array.from(s.returns), Array.from(s.price), Array.from(s.observed), s.acceptedRows]);
        expect(view(two)).toEqual(view(one));
        expect(two.detached).toEqual(one.detached);
        expect(one.series.reduce((a, s) => a + s.acceptedRows, 0) + one.detached.rows).toBe(one.rows.accepted);
      }),
      { numRuns: 150 },
    );
  });

  it('random malformed bodies never crash ingest and never lose a row', async () => {
    const junk = fc.constantFrom('2024-01-0', '1', '2', 'A', 'POST', ',', ',', '"', '\n', '\r\n', '-', '.', ' ', 'C', '\uFEFF', 'é', '\u0000');
    await fc.assert(
      fc.asyncProperty(fc.array(junk, { maxLength: 150 }), fc.boolean(), async (parts, txn) => {
        const text = (txn ? 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n' : 'date,sku,qty,price\n') + parts.join('');
        const { records } = await new CsvReader(streamSource([text])).read(() => {});
        const rejected: RejectedRow[] = [];
        const res = await ingestStream([text], opts('2024-12-31', rejected));
        expect(res.rows.read).toBe(res.rows.accepted + res.rows.rejected);
        expect(res.rows.read).toBe(records - 1); // minus the header
        expect(rejected).toHaveLength(res.rows.rejected);
        const accepted = res.series.reduce((a, s) => a + s.acceptedRows, 0);
        expect(accepted).toBe(res.rows.accepted);
      }),
      { numRuns: 300 },
    );
  });
});
