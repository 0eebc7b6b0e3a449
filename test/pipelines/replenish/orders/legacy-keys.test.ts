import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../config/load.js';
import { legacyNotes, orderInputPaths } from '../../../../pipelines/replenish/orders/order-stage.js';

describe('the older onHandFile and overridesFile keys', () => {
  it('are read as the stock and items files when those are not given, and say so', () => {
    const c = parseConfig({ replenishment: { onHandFile: 'h.csv', overridesFile: 'o.csv' } });
    expect(orderInputPaths(c)).toEqual({ stock: 'h.csv', items: 'o.csv' });
    expect(legacyNotes(c)).toEqual([
      'replenishment.onHandFile (h.csv) is read as the stock file (replenishment.stockFile)',
      'replenishment.overridesFile (o.csv) is read as the items file (replenishment.itemsFile)',
    ]);
  });
  it('are not used when the newer keys are given, and say so', () => {
    const c = parseConfig({ replenishment: { onHandFile: 'h.csv', stockFile: 's.csv', overridesFile: 'o.csv', itemsFile: 'i.csv' } });
    expect(orderInputPaths(c)).toEqual({ stock: 's.csv', items: 'i.csv' });
    expect(legacyNotes(c)).toEqual([
      'replenishment.onHandFile (h.csv) is not used: replenishment.stockFile is given',
      'replenishment.overridesFile (o.csv) is not used: replenishment.itemsFile is given',
    ]);
    expect(legacyNotes(parseConfig({}))).toEqual([]);
  });
});
