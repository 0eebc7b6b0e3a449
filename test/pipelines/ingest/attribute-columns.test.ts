/**
 * The sales file's attribute columns (category, department, region) read as series attributes
 * for the forecast levels: detection by header name, the first non-empty value of each series,
 * and the items file taking precedence.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { detectAttributeColumns, detectColumns } from '../../../pipelines/ingest/columns.js';
import { ingestStream } from '../../../pipelines/ingest/ingest.js';
import { attributeSources, levelNamesFor, seriesAttributesOf } from '../../../pipelines/hierarchy/run-levels.js';

const fieldsOf = (header: string[]) => Object.fromEntries(detectAttributeColumns(header, detectColumns(header)).map((c) => [c.field, header[c.index]]));

describe('detectAttributeColumns', () => {
  it('finds the M5 columns, German, French and state names, and leaves mapped columns alone', () => {
    expect(fieldsOf(['date', 'store_id', 'item_id', 'dept_id', 'cat_id', 'units', 'sell_price'])).toEqual({ category: 'cat_id', department: 'dept_id' });
    expect(fieldsOf(['Datum', 'Filiale', 'Artikel', 'Menge', 'Warengruppe', 'Bundesland'])).toEqual({ category: 'Warengruppe', region: 'Bundesland' });
    expect(fieldsOf(['date', 'magasin', 'reference', 'quantite', 'Famille', 'Rayon', 'State ID'])).toEqual({ category: 'Famille', department: 'Rayon', region: 'State ID' });
    expect(fieldsOf(['date', 'sku', 'qty'])).toEqual({});
    // common export headers with spaces and case: Shopify's product type, a product category, Spanish and Italian names
    expect(fieldsOf(['Date', 'Store', 'SKU', 'Units Sold', 'Product Category', 'Dept'])).toEqual({ category: 'Product Category', department: 'Dept' });
    expect(fieldsOf(['Day', 'SKU', 'Quantity', 'Product type'])).toEqual({ category: 'Product type' });
    expect(fieldsOf(['fecha', 'tienda', 'sku', 'cantidad', 'Categoría', 'Departamento'])).toEqual({ category: 'Categoría', department: 'Departamento' });
  });
});

const CSV = [
  'date,store_id,item_id,units,dept_id,cat_id,state_id',
  // A's first row has no department: the next row gives it
  '2024-01-01,S1,A,3,,FOOD,CA',
  '2024-01-02,S1,A,2,FOOD_1,FOOD,CA',
  '2024-01-03,S1,A,1,FOOD_2,DRINK,CA',
  '2024-01-01,S2,B,4,TOY_1,TOYS,TX',
  '2024-01-02,S2,B,5,TOY_1,TOYS,TX',
  '2024-01-03,S2,B,6,TOY_1,TOYS,TX',
  // C never gives a category
  '2024-01-01,S2,C,1,TOY_2,,TX',
  '2024-01-03,S2,C,1,TOY_2,,TX',
].join('\n');

describe('ingest: attribute columns of the sales file', () => {
  it('gives each series the first non-empty value of each attribute', async () => {
    const res = await ingestStream([CSV], { config: defaultConfig(), runDay: dayFromYmd(2024, 1, 10) });
    expect(res.series.map((s) => [s.store, s.sku, s.attributes])).toEqual([
      ['S1', 'A', { category: 'FOOD', region: 'CA', department: 'FOOD_1' }],
      ['S2', 'B', { category: 'TOYS', department: 'TOY_1', region: 'TX' }],
      ['S2', 'C', { department: 'TOY_2', region: 'TX' }],
    ]);
    // the default levels take the region too; the items file's category wins over the sales file's
    expect(levelNamesFor(seriesAttributesOf(res.series), { levels: ['default'] })).toEqual([
      'total', 'region', 'store', 'category', 'department', 'region/category', 'region/department', 'store/category', 'store/department',
    ]);
    const attrs = seriesAttributesOf(res.series, new Map([['A', { category: 'FRESH' }]]));
    expect(attrs[0]).toEqual({ category: 'FRESH', region: 'CA', department: 'FOOD_1', store: 'S1', sku: 'A' });
    expect(attrs[2]).toEqual({ department: 'TOY_2', region: 'TX', store: 'S2', sku: 'C' });
    // run.json says where each attribute came from
    expect(attributeSources(res.series, new Map([['A', { category: 'FRESH' }]]), ['category', 'department', 'region'])).toEqual({
      category: 'items file over sales file', department: 'sales file', region: 'sales file',
    });
    expect(attributeSources([{}], new Map([['A', { category: 'FRESH' }]]), ['category'])).toEqual({ category: 'items file' });
  });

  it('gives no attributes when the file has no such column', async () => {
    const res = await ingestStream(['date,store,sku,qty\n2024-01-01,S1,A,1\n'], { config: defaultConfig(), runDay: dayFromYmd(2024, 1, 10) });
    expect(res.series[0].attributes).toBeUndefined();
  });
});
