/**
 * Item and store attributes kept in the sales history (an item's category and department, a
 * store's region), so that a nightly run groups its forecast levels as `forecast run` groups
 * those of an export with the same columns (pipelines/hierarchy/run-levels.ts).
 *
 * The rule, per sku (per store for the region) and attribute: the value given by the latest
 * merged file that gives one. A later file without the column, or with the cell empty, keeps the
 * value; a later file with another value replaces it for the item's whole history: from that
 * night on the item counts in its new department on every level, past days included, as an
 * edited items file would move it. Within one file, a sku takes the value of its first series in
 * (store, sku) order that has one, a store the region of its first series in sku order that has
 * one, each series taking its first row with a value (the series'
 * `attributes` as ingest reads them, pipelines/ingest/series-builder.ts `noteAttributes`).
 * A series whose own value differs from its sku's (store's) in that file (a sku in two
 * categories across stores) keeps its own (`series`) until a later file gives the sku (store)
 * a value: `forecast run` groups each series by its own value and warns of the conflict, and so
 * does the nightly run of the same export. An export thus gives the nightly run the attributes
 * that `forecast run` of the export gives its series; `forecast run` keeps the first value of a
 * series whose rows disagree, the nightly run the latest file's. The items file still takes
 * precedence attribute by attribute (run-levels.ts `seriesAttributesOf`).
 */
import type { IngestResult } from '../ingest/ingest.js';
import { ITEM_ATTRIBUTES, STORE_ATTRIBUTES } from '../hierarchy/run-levels.js';
import type { SeriesData } from '../types.js';

/** Attribute values by sku (`items`: category, department) and by store (`stores`: region). */
export interface HistoryAttributes {
  readonly items: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly stores: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** A series' own values where they differ from its sku's or store's, by series key ({@link historySeriesKey}). */
  readonly series?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** The key of a series in {@link HistoryAttributes.series} (the ingest's series key). */
export function historySeriesKey(store: string, sku: string): string {
  return `${store}\u0000${sku}`;
}

/** The attributes one file gives, from its series as read (in ingest's store, sku order; see the module comment). */
export function fileAttributes(series: readonly Pick<SeriesData, 'store' | 'sku' | 'attributes'>[]): HistoryAttributes {
  const items = new Map<string, Record<string, string>>();
  const stores = new Map<string, Record<string, string>>();
  const note = (into: Map<string, Record<string, string>>, key: string, names: readonly string[], given: Readonly<Record<string, string>>) => {
    for (const name of names) {
      const v = given[name];
      if (v === undefined || v === '') continue;
      const a = into.get(key) ?? {};
      if (a[name] === undefined) a[name] = v;
      into.set(key, a);
    }
  };
  for (const s of series) {
    if (!s.attributes) continue;
    note(items, s.sku, ITEM_ATTRIBUTES, s.attributes);
    note(stores, s.store, STORE_ATTRIBUTES, s.attributes);
  }
  return { items, stores, series: ownValues(series, items, stores) };
}

/** The series' values that differ from their sku's (store's) value in the same file (see the module comment). */
function ownValues(
  series: readonly Pick<SeriesData, 'store' | 'sku' | 'attributes'>[],
  items: ReadonlyMap<string, Readonly<Record<string, string>>>,
  stores: ReadonlyMap<string, Readonly<Record<string, string>>>,
): Map<string, Record<string, string>> {
  const own = new Map<string, Record<string, string>>();
  for (const s of series) {
    if (!s.attributes) continue;
    for (const [names, owner] of [[ITEM_ATTRIBUTES, items.get(s.sku)], [STORE_ATTRIBUTES, stores.get(s.store)]] as const) {
      for (const name of names) {
        const v = s.attributes[name];
        if (v === undefined || v === '' || v === owner?.[name]) continue;
        const key = historySeriesKey(s.store, s.sku);
        own.set(key, { ...own.get(key), [name]: v });
      }
    }
  }
  return own;
}

/**
 * The history read back with each series given its sku's and store's attributes from the
 * history, or its own where the history kept them (none: the series as it is, without
 * `attributes`, as ingest leaves a series whose file has no value for it). Pure: the series are
 * copied, their arrays shared.
 */
export function withHistoryAttributes(ingest: IngestResult, attrs: HistoryAttributes): IngestResult {
  if (attrs.items.size === 0 && attrs.stores.size === 0) return ingest;
  const series = ingest.series.map((s) => {
    const item = attrs.items.get(s.sku);
    const store = attrs.stores.get(s.store);
    if (item === undefined && store === undefined) return s;
    return { ...s, attributes: { ...item, ...store, ...attrs.series?.get(historySeriesKey(s.store, s.sku)) } };
  });
  return { ...ingest, series };
}
