import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../../pipelines/dates.js';
import { parseItems } from '../../../../pipelines/replenish/inputs/items.js';
import { parseOnOrder } from '../../../../pipelines/replenish/inputs/on-order.js';
import { parseStock } from '../../../../pipelines/replenish/inputs/stock.js';
import { parseSuppliers } from '../../../../pipelines/replenish/inputs/suppliers.js';
import { parseFraction, readTableText } from '../../../../pipelines/replenish/inputs/table.js';

const D = (y: number, m: number, d: number) => dayFromYmd(y, m, d);

describe('parseStock', () => {
  it('reads ordinary headers, dates and a decimal comma, and reports every problem with its line', async () => {
    const t = await readTableText(
      ['Store_ID;Item;Stock on hand;Count date', 'CA_1;A;4;27/03/2016', 'CA_1;B;2,5;', 'CA_1;C;-3;27/03/2016', 'CA_1;A;9;', 'CA_1;D;lots;', ';E;1;', 'CA_1;;5;', 'CA_1;F;1;31/02/2016'].join('\n'),
    );
    const r = parseStock(t);
    expect(r.hasStore).toBe(true);
    expect(r.rows).toEqual([
      { line: 2, store: 'CA_1', sku: 'A', onHand: 4, asOf: D(2016, 3, 27) },
      { line: 3, store: 'CA_1', sku: 'B', onHand: 2.5 },
      { line: 4, store: 'CA_1', sku: 'C', onHand: 0, asOf: D(2016, 3, 27) },
      { line: 7, store: '', sku: 'E', onHand: 1 },
    ]);
    expect(r.issues.map((i) => [i.line, i.code, i.severity])).toEqual([
      [4, 'negative_stock', 'warning'],
      [5, 'duplicate_key', 'reject'],
      [6, 'bad_number', 'reject'],
      [8, 'missing_value', 'reject'],
      [9, 'bad_date', 'reject'],
    ]);
    expect(r.issues.find((i) => i.code === 'bad_number')!.message).toContain('"lots"');
    expect(r.issues.find((i) => i.code === 'duplicate_key')!.message).toContain('line 2');
    // nothing lost
    expect(r.read).toBe(8);
    expect(r.read).toBe(r.rows.length + r.rejected);
  });
  it('reads points grouping thousands as the sales file does: 1.200 is 1200 beside decimal commas, and a warning when nothing tells', async () => {
    const german = parseStock(await readTableText('store;sku;on_hand\nB;A;1.200\nB;C;2,5\n'));
    expect(german.rows.map((r) => r.onHand)).toEqual([1200, 2.5]);
    expect(german.issues).toEqual([]);
    const untold = parseStock(await readTableText('store;sku;on_hand\nB;A;1.200\nB;C;3\n'));
    expect(untold.rows.map((r) => r.onHand)).toEqual([1.2, 3]);
    expect(untold.issues.map((i) => [i.line, i.code, i.severity])).toEqual([[2, 'ambiguous_number', 'warning']]);
    expect(untold.issues[0].message).toMatch(/"1\.200" is read as 1\.2: .*a point may group thousands \(1200\)/);
    // a comma-separated file: a point is decimal, no warning
    expect(parseStock(await readTableText('store,sku,on_hand\nB,A,1.200\n')).issues).toEqual([]);
  });
  it('reads the headers of a German, Dutch, Spanish or Italian stock list as the sales file reads theirs', async () => {
    const de = parseStock(await readTableText('Filiale;Artikelnummer;Bestand;Stichtag\nBerlin;4711;12;01.12.2026\n'));
    expect(de.issues).toEqual([]);
    expect(de.rows).toEqual([{ line: 2, store: 'Berlin', sku: '4711', onHand: 12, asOf: D(2026, 12, 1) }]);
    for (const h of ['Lagerbestand', 'Voorraad', 'Existencias', 'Giacenza']) expect(parseStock(await readTableText(`sku;${h}\nA;3\n`)).rows[0].onHand).toBe(3);
  });
  it('reports a missing column once, on line 1, and uses no row', async () => {
    const r = parseStock(await readTableText('store,sku,price\nS,A,3\n'));
    expect(r.issues).toEqual([expect.objectContaining({ line: 1, code: 'missing_column', field: 'on_hand' })]);
    expect(r).toMatchObject({ rows: [], read: 1, rejected: 1 });
    expect(parseStock(await readTableText('')).issues[0].code).toBe('empty_file');
  });
});

describe('parseOnOrder', () => {
  it('reads quantities and expected dates; several open orders per series', async () => {
    const r = parseOnOrder(await readTableText('sku,qty,ETA\nA,12,2016-04-01\nA,6,\nB,0,2016-04-01\n'));
    expect(r.hasStore).toBe(false);
    expect(r.rows).toEqual([
      { line: 2, store: '', sku: 'A', qty: 12, expected: D(2016, 4, 1) },
      { line: 3, store: '', sku: 'A', qty: 6 },
    ]);
    expect(r.issues).toEqual([expect.objectContaining({ line: 4, code: 'out_of_range', field: 'qty' })]);
  });
});

describe('parseItems', () => {
  it('reads the buying terms with their header variants', async () => {
    const t = await readTableText(
      [
        'SKU,Store,Vendor,Lead time,Lead time SD,Case pack,MOQ,Cost price,Review period,Service level,Service type',
        'A,,ACME,5,1.5,12,24,2.40,7,95%,fill rate',
        'A,CA_2,,3,,,,,,0.99,cycle',
        'B,,ACME,,,,,,,97,beta',
      ].join('\n'),
    );
    const r = parseItems(t);
    expect(r.issues).toEqual([]);
    expect(r.rows[0]).toMatchObject({ sku: 'A', store: '', supplier: 'ACME', leadTimeDays: 5, leadTimeSdDays: 1.5, packSize: 12, minOrderQty: 24, unitCost: 2.4, reviewPeriodDays: 7, serviceType: 'fill_rate' });
    expect(r.rows[0].serviceTarget).toBeCloseTo(0.95, 12);
    expect(r.rows[1]).toMatchObject({ sku: 'A', store: 'CA_2', leadTimeDays: 3, serviceTarget: 0.99, serviceType: 'cycle' });
    expect(r.rows[1].packSize).toBeUndefined();
    expect(r.rows[2]).toMatchObject({ serviceType: 'fill_rate' });
    expect(r.rows[2].serviceTarget).toBeCloseTo(0.97, 12);
  });
  it('rejects values out of range, unknown service types and repeated keys', async () => {
    const t = await readTableText(['sku,pack_size,lead_time_days,service_target,service_type', 'A,0,2,0.9,cycle', 'B,6,2.5,0.9,cycle', 'C,6,2,100%,cycle', 'D,6,2,0.9,often', 'E,6,2,0.9,', 'E,6,2,0.9,'].join('\n'));
    const r = parseItems(t);
    expect(r.issues.map((i) => [i.line, i.code, i.field ?? ''])).toEqual([
      [2, 'out_of_range', 'pack_size'],
      [3, 'out_of_range', 'lead_time_days'],
      [4, 'out_of_range', 'service_target'],
      [5, 'bad_choice', 'service_type'],
      [7, 'duplicate_key', ''],
    ]);
    expect(r.rows.map((x) => x.sku)).toEqual(['E']);
    expect(r.read).toBe(r.rows.length + r.rejected);
  });
  it('reads shares written as fractions or percentages', () => {
    expect(parseFraction('0.95')).toBe(0.95);
    expect(parseFraction('95')).toBe(0.95);
    expect(parseFraction('97.5 %')).toBe(0.975);
    expect(parseFraction('0,9', true)).toBe(0.9);
    expect(parseFraction('high')).toBeNaN();
  });
});

describe('parseSuppliers', () => {
  it('reads delivery days, cut-off and minimum order value', async () => {
    const t = await readTableText(['supplier,delivery days,order cutoff,minimum order value,lead time', 'ACME,Tue/Fri,14:00,500,5', 'Bakery,daily,,,1', 'Slow,Funday,2pm,,', 'Late,Mon,25:00,,', 'ACME,Mon,,,'].join('\n'));
    const r = parseSuppliers(t);
    expect(r.rows).toEqual([
      { line: 2, supplier: 'ACME', weekdays: 0b0010010, cutoffMinutes: 840, minOrderValue: 500, leadTimeDays: 5 },
      { line: 3, supplier: 'Bakery', weekdays: 0x7f, leadTimeDays: 1 },
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([
      [4, 'bad_weekdays'],
      [5, 'bad_time'],
      [6, 'duplicate_key'],
    ]);
    expect(r.issues[0].message).toContain('"Funday"');
  });
});
