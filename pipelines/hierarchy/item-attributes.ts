/**
 * Item attributes (category, department) for the forecast levels, from the items file's
 * optional `category` and `department` columns (pipelines/replenish/inputs/items.ts): one value
 * per sku, taken from its first row that has one (a store-specific row counts for the sku).
 */
import { InputError, quoteInput } from '../errors.js';
import { parseItems, type ItemRow } from '../replenish/inputs/items.js';
import { readTableFile } from '../replenish/inputs/table.js';

/** Attributes by sku from parsed items rows (pure). */
export function itemAttributes(rows: readonly Pick<ItemRow, 'sku' | 'department' | 'category'>[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const a = out.get(r.sku) ?? {};
    if (r.category && a.category === undefined) a.category = r.category;
    if (r.department && a.department === undefined) a.department = r.department;
    out.set(r.sku, a);
  }
  return out;
}

/** Read the items file's attributes. @throws InputError when the file cannot be read as a table */
export async function loadItemAttributes(path: string, maxBytes: number): Promise<Map<string, Record<string, string>>> {
  try {
    return itemAttributes(parseItems(await readTableFile(path, maxBytes)).rows);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`items file ${quoteInput(path)}: ${(e as Error).message}`);
  }
}
