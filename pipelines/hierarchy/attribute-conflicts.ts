/**
 * Attribute values that disagree: an item attribute (category, department) with two values for
 * one sku (the sales file's rows of two stores, or two rows of the items file), or a store
 * attribute (region) with two values for one store (the rows of two of its skus). The levels
 * still add up (each series is grouped by its own value), but the sku or store then sits in two
 * nodes of the level, which a buyer reading the category or region totals would not expect: the
 * run warns, naming how many and one example. Within one series the first non-empty value is
 * kept and a later one is not compared (ingest reads each series' values once).
 */
import type { SeriesAttributes } from './levels.js';

/** Conflicts of one attribute: how many skus (stores) have more than one value, and one of them in words. */
export interface AttributeConflict {
  readonly count: number;
  readonly example: string;
}

/** Conflicts by attribute name (absent: none). */
export type AttributeConflicts = Record<string, AttributeConflict>;

/**
 * The conflicts among the series' attributes: each attribute of `byOwner` compared across the
 * series that share its owner (`sku` for item attributes, `store` for store attributes).
 * @param byOwner Attribute name → the series attribute that owns it.
 */
export function seriesConflicts(series: readonly SeriesAttributes[], byOwner: Readonly<Record<string, 'sku' | 'store'>>): AttributeConflicts {
  const out: AttributeConflicts = {};
  for (const [attribute, owner] of Object.entries(byOwner)) {
    const values = new Map<string, Map<string, string>>();
    for (const s of series) {
      const v = s[attribute];
      if (typeof v !== 'string' || v === '') continue;
      const seen = values.get(s[owner]) ?? new Map<string, string>();
      if (!seen.has(v)) seen.set(v, owner === 'sku' ? s.store : s.sku);
      values.set(s[owner], seen);
    }
    const other = owner === 'sku' ? 'store' : 'sku';
    const conflict = describe(values, (id, vs) => `${owner} "${id}": ${vs.map(([v, where]) => `"${v}" (${other} "${where}")`).join(' and ')}`);
    if (conflict) out[attribute] = conflict;
  }
  return out;
}

/** Count the owners with two or more values; the first one described. */
export function describe(values: ReadonlyMap<string, ReadonlyMap<string, string>>, say: (id: string, vs: [string, string][]) => string): AttributeConflict | null {
  let count = 0;
  let example = '';
  for (const [id, vs] of values) {
    if (vs.size < 2) continue;
    if (count === 0) example = say(id, [...vs].slice(0, 2));
    count++;
  }
  return count ? { count, example } : null;
}

/** Both sets of conflicts (of different owners): counts added, the first's example kept (pure). */
export function mergeConflicts(a: AttributeConflicts, b: AttributeConflicts): AttributeConflicts {
  const out: AttributeConflicts = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = out[k] ? { count: out[k].count + v.count, example: out[k].example } : v;
  return out;
}
