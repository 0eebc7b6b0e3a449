import { describe, expect, it } from 'vitest';
import { itemAttributes } from '../../../pipelines/hierarchy/item-attributes.js';
import { parseItems } from '../../../pipelines/replenish/inputs/items.js';
import { readTableText } from '../../../pipelines/replenish/inputs/table.js';

describe('item attributes from the items file', () => {
  it('reads category and department under their usual header names, first value per sku', async () => {
    const table = await readTableText('Item ID,Store,Dept_ID,Warengruppe,Lead time\nA,S1,D1,FOOD,3\nA,S2,D9,TOYS,4\nB,,D2,,2\nC,,,,1\n');
    const parsed = parseItems(table);
    expect(parsed.rejected).toBe(0);
    const a = itemAttributes(parsed.rows);
    expect(a.get('A')).toEqual({ department: 'D1', category: 'FOOD' });
    expect(a.get('B')).toEqual({ department: 'D2' });
    expect(a.get('C')).toEqual({});
  });
});
