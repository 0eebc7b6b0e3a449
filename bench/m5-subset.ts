/**
 * A small catalogue out of the M5 slice, for the benches: the series of some stores, and of those
 * at most `items` items spread evenly over the sorted item codes (so departments and categories
 * stay mixed, as in a small shop's range, rather than the first items of one department).
 * Deterministic: the same subset on every run.
 */
import type { SeriesData } from '../pipelines/types.js';

/** What to keep: store codes (all when empty) and the most items per run (all when 0). */
export interface SubsetOptions {
  stores: readonly string[];
  items: number;
}

/** Parse `--stores=CA_1,TX_2` and `--items=N` (either may be absent). */
export function subsetOptions(arg: (name: string) => string | undefined): SubsetOptions {
  const stores = arg('stores')?.split(',').filter((s) => s !== '') ?? [];
  const items = Number(arg('items') ?? 0);
  if (!Number.isInteger(items) || items < 0) throw new Error(`--items must be a whole number at least 0, got ${arg('items')}`);
  return { stores, items };
}

/** The evenly spread `n` of the sorted codes: indices floor((j + 0.5) × m / n), j = 0..n-1. */
export function spreadCodes(codes: readonly string[], n: number): string[] {
  const sorted = [...new Set(codes)].sort();
  if (n <= 0 || n >= sorted.length) return sorted;
  return Array.from({ length: n }, (_, j) => sorted[Math.floor(((j + 0.5) * sorted.length) / n)]);
}

/** The series of the subset, in their original order. */
export function subsetSeries(series: readonly SeriesData[], o: SubsetOptions): SeriesData[] {
  const inStores = o.stores.length === 0 ? [...series] : series.filter((s) => o.stores.includes(s.store));
  if (inStores.length === 0) throw new Error(`no series in the stores ${o.stores.join(', ')}`);
  const keep = new Set(spreadCodes(inStores.map((s) => s.sku), o.items));
  return inStores.filter((s) => keep.has(s.sku));
}
