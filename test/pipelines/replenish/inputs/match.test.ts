import { describe, expect, it } from 'vitest';
import { parseItems } from '../../../../pipelines/replenish/inputs/items.js';
import { matchInputs, MAX_NEAR_SEARCHES, SeriesIndex } from '../../../../pipelines/replenish/inputs/match.js';
import { parseOnOrder } from '../../../../pipelines/replenish/inputs/on-order.js';
import { parseStock } from '../../../../pipelines/replenish/inputs/stock.js';
import { parseSuppliers } from '../../../../pipelines/replenish/inputs/suppliers.js';
import { readTableText } from '../../../../pipelines/replenish/inputs/table.js';
import { seriesKey } from '../../../../pipelines/replenish/replenish.js';

const SERIES = [
  { store: 'CA_1', sku: 'FOODS_3_090' },
  { store: 'CA_1', sku: 'HOBBIES_1_001' },
  { store: 'CA_2', sku: 'FOODS_3_090' },
  { store: 'TX_1', sku: 'SOAP' },
];

describe('matchInputs', () => {
  it('reports rows that match no series with the key and a near match', async () => {
    const stock = parseStock(await readTableText('store,sku,on_hand\nCA_l,FOODS_3_090,4\nCA_1,FOODS_3_09O,2\nTX_1,FOODS_3_090,1\nCA_1,HOBBIES_1_001,7\n'));
    const m = matchInputs(SERIES, { stock });
    expect([...m.stock!.keys()]).toEqual([seriesKey('CA_1', 'HOBBIES_1_001')]);
    const msgs = m.issues.map((i) => [i.line, i.code, i.message]);
    expect(msgs[0][1]).toBe('unknown_series');
    expect(msgs[0][2]).toContain('store "CA_l"');
    expect(msgs[0][2]).toContain('did you mean store "CA_1"');
    expect(msgs[1][2]).toContain('did you mean sku "FOODS_3_090"');
    expect(msgs[2][2]).toContain('sold only in store(s) "CA_1", "CA_2"');
    expect(m.counts.stock).toEqual({ read: 4, used: 1, rejected: 3 });
  });
  it('matches rows without a store to the sku when it has one store, else asks for the store', async () => {
    const onOrder = parseOnOrder(await readTableText('sku,qty\nSOAP,5\nFOODS_3_090,3\nSOAP,2\n'));
    const m = matchInputs(SERIES, { onOrder });
    expect(m.onOrder.get(seriesKey('TX_1', 'SOAP'))!.map((r) => r.qty)).toEqual([5, 2]);
    expect(m.issues).toEqual([expect.objectContaining({ line: 3, code: 'ambiguous_store' })]);
    expect(m.stock).toBeNull();
  });
  it('applies a sku row to every store and a store row over it, field by field', async () => {
    const items = parseItems(await readTableText('sku,store,supplier,lead_time_days,pack_size\nFOODS_3_090,,ACME,5,12\nFOODS_3_090,CA_2,,3,\nNOPE,,ACME,1,1\n'));
    const suppliers = parseSuppliers(await readTableText('supplier,delivery days\nACMEE,Tue/Fri\n'));
    const m = matchInputs(SERIES, { items, suppliers });
    expect(m.items.get(seriesKey('CA_1', 'FOODS_3_090'))).toMatchObject({ supplier: 'ACME', leadTimeDays: 5, packSize: 12 });
    expect(m.items.get(seriesKey('CA_2', 'FOODS_3_090'))).toMatchObject({ supplier: 'ACME', leadTimeDays: 3, packSize: 12 });
    const codes = m.issues.map((i) => [i.line, i.code]);
    expect(codes).toEqual([
      [2, 'unknown_supplier'],
      [4, 'unknown_series'], // not used, so its supplier is not checked
    ]);
    expect(m.issues[0].message).toContain('did you mean "ACMEE"');
    expect(m.counts.items).toEqual({ read: 3, used: 2, rejected: 1 });
  });
  it('stops searching near matches after many unmatched rows, and says so', async () => {
    const lines = ['store,sku,on_hand'];
    for (let i = 0; i <= MAX_NEAR_SEARCHES; i++) lines.push(`XX_${i},Z${i},1`);
    const m = matchInputs(SERIES, { stock: parseStock(await readTableText(lines.join('\n'))) });
    expect(m.issues).toHaveLength(MAX_NEAR_SEARCHES + 1);
    expect(m.issues[MAX_NEAR_SEARCHES].message).toContain('not searched');
    expect(m.issues[0].message).not.toContain('not searched');
  });
  it('names the sku a number stood for when a spreadsheet dropped its leading zeros', () => {
    const index = new SeriesIndex([...SERIES, { store: 'TX_1', sku: '00123' }, { store: 'TX_1', sku: '0042' }]);
    expect(index.describeMiss('TX_1', '123')).toBe('no series for store "TX_1" sku "123": sku "123" is not in the sales; did you mean sku "00123" (the same number with its leading zeros, which a spreadsheet may have dropped)?');
    expect(index.describeMiss('', '42')).toContain('did you mean sku "0042" (the same number');
    expect(index.describeMiss('', '4200')).not.toContain('the same number');
  });
  it('explains a store that exists but does not sell the sku', () => {
    expect(new SeriesIndex(SERIES).describeMiss('TX_1', 'HOBBIES_1_001')).toContain('sold only in store(s) "CA_1"');
  });
});
