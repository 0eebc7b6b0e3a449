/**
 * Item attributes (category, department) for the forecast levels, from the items file's
 * optional `category` and `department` columns (pipelines/replenish/inputs/items.ts): one value
 * per sku, taken from its first row that has one (a store-specific row counts for the sku); a
 * later row of the sku with another value is a conflict (attribute-conflicts.ts), warned of.
 */
import { InputError, quoteInput } from '../errors.js';
import { parseItems, type ItemRow } from '../replenish/inputs/items.js';
import { readTableFile } from '../replenish/inputs/table.js';
import { describe, type AttributeConflicts } from './attribute-conflicts.js';

type AttributeRow = Pick<ItemRow, 'sku' | 'department' | 'category'> & { readonly line?: number };

/** Attributes by sku from parsed items rows (pure). */
export function itemAttributes(rows: readonly AttributeRow[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const a = out.get(r.sku) ?? {};
    if (r.category && a.category === undefined) a.category = r.category;
    if (r.department && a.department === undefined) a.department = r.department;
    out.set(r.sku, a);
  }
  return out;
}

/** Skus whose rows give an attribute two different values (pure). */
export function itemAttributeConflicts(rows: readonly AttributeRow[]): AttributeConflicts {
  const out: AttributeConflicts = {};
  for (const attribute of ['category', 'department'] as const) {
    const values = new Map<string, Map<string, string>>();
    for (const r of rows) {
      const v = r[attribute];
      if (!v) continue;
      const seen = values.get(r.sku) ?? new Map<string, string>();
      if (!seen.has(v)) seen.set(v, r.line === undefined ? '' : ` (line ${r.line})`);
      values.set(r.sku, seen);
    }
    const c = describe(values, (sku, vs) => `sku "${sku}" in the items file: ${vs.map(([v, where]) => `"${v}"${where}`).join(' and ')}`);
    if (c) out[attribute] = c;
  }
  return out;
}

/** The items file's attributes by sku and the skus whose rows disagree. */
export interface ItemAttributes {
  readonly values: Map<string, Record<string, string>>;
  readonly conflicts: AttributeConflicts;
}

/** Read the items file's attributes. @throws InputError when the file cannot be read as a table */
export async function loadItemAttributes(path: string, maxBytes: number): Promise<ItemAttributes> {
  try {
    const rows = parseItems(await readTableFile(path, maxBytes)).rows;
    return { values: itemAttributes(rows), conflicts: itemAttributeConflicts(rows) };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`items file ${quoteInput(path)}: ${(e as Error).message}`);
  }
}
