/**
 * Levels of a retail hierarchy, built from attributes of the bottom (store × sku) series.
 *
 * A level is a grouping of the bottom series by one or more attributes: `total` (no attribute,
 * one node), `store`, `category`, `store/category`, `state/department`, ... The name lists the
 * attributes joined by `/`; a node's key lists their values in the same order (`CA_1/FOODS`;
 * the `total` level's one node has the key `total`). The bottom level is `store/sku`. Every
 * aggregate node is the sum of the bottom series in it, so the structure is the summing matrix
 * S = [C; I] of Hyndman & Athanasopoulos (FPP3 §11.1), kept sparse: C is stored as one node
 * index per bottom series and level (`nodeOf`), never as a matrix.
 *
 * Levels that group the bottom series exactly like an earlier level (one store: `store` is
 * `total`; every sku its own department) or like the bottom level are dropped, so no node is
 * forecast twice.
 *
 * Source: Hyndman, R.J. & Athanasopoulos, G., *Forecasting: Principles and Practice* (3rd ed.),
 * §11.1 (hierarchical and grouped time series).
 */

/** Attribute values of one bottom series: `store`, `sku`, and any item or store attributes. */
export type SeriesAttributes = Readonly<Record<string, string>>;

/** Name of the one-node level. */
export const TOTAL = 'total';
/** Name of the bottom level. */
export const BOTTOM = 'store/sku';
/** Key of a node whose attribute value is missing for a series. */
export const MISSING_VALUE = '(missing)';

/** One aggregate level. */
export interface Level {
  /** `total`, or the attributes joined by `/` (`store/category`). */
  readonly name: string;
  /** The attributes grouped by, in name order (empty for `total`). */
  readonly attributes: readonly string[];
  /** Node keys, sorted (`CA_1/FOODS`); `['total']` for the total. */
  readonly keys: readonly string[];
  /** Node index (into `keys`) of every bottom series, in bottom order. */
  readonly nodeOf: Int32Array;
}

/** A hierarchy: bottom series and the aggregate levels above them. */
export interface Hierarchy {
  /** The bottom series' attributes (store and sku at least), in the caller's order. */
  readonly bottom: readonly SeriesAttributes[];
  /** Aggregate levels, coarsest first as given; the bottom level is implicit. */
  readonly levels: readonly Level[];
  /** Index of each level's first node in the flat list of aggregate nodes (one more entry: the count). */
  readonly offsets: Int32Array;
  /** Bottom series per attribute that had no value for it (they form a `(missing)` node). */
  readonly missing: Readonly<Record<string, number>>;
}

/** Split a level name into its attributes (`total` has none). @throws on an empty attribute. */
export function levelAttributes(name: string): string[] {
  if (name === TOTAL) return [];
  const parts = name.split('/').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new Error(`levelAttributes: level "${name}" has an empty attribute`);
  return parts;
}

/**
 * The default levels for the attributes present: the total; each store attribute (region,
 * state); the store; each item attribute (category, department); each store attribute crossed
 * with each item attribute; the store crossed with each item attribute. This is the M5
 * competition's hierarchy without its item-level rows (Makridakis et al. 2022, Table 1).
 *
 * @param itemAttributes Item attribute names, coarsest first (`['category', 'department']`).
 * @param storeAttributes Store attribute names (`['state']`).
 */
export function defaultLevels(itemAttributes: readonly string[], storeAttributes: readonly string[] = []): string[] {
  const out = [TOTAL, ...storeAttributes, 'store', ...itemAttributes];
  for (const s of storeAttributes) for (const i of itemAttributes) out.push(`${s}/${i}`);
  for (const i of itemAttributes) out.push(`store/${i}`);
  return out;
}

/**
 * Build the hierarchy of the given levels over the bottom series.
 *
 * @param bottom Attributes of each bottom series; `store` and `sku` are required, other
 *   attributes may be missing for some series (grouped under {@link MISSING_VALUE}, counted in
 *   `missing`).
 * @param levels Level names (see the module comment); `store/sku` and duplicates of earlier
 *   groupings are dropped.
 * @throws when there is no bottom series, a series lacks store or sku, two series share a store
 *   and sku, or a level names an attribute no series has.
 */
export function buildHierarchy(bottom: readonly SeriesAttributes[], levels: readonly string[]): Hierarchy {
  if (bottom.length === 0) throw new Error('buildHierarchy needs at least one bottom series');
  const seen = new Set<string>();
  bottom.forEach((b, i) => {
    if (typeof b.store !== 'string' || typeof b.sku !== 'string') throw new Error(`buildHierarchy: bottom series ${i} needs a store and a sku`);
    const k = `${b.store}\u0000${b.sku}`;
    if (seen.has(k)) throw new Error(`buildHierarchy: store ${b.store}, sku ${b.sku} appears twice`);
    seen.add(k);
  });
  const missing: Record<string, number> = {};
  const built: Level[] = [];
  const signatures = new Set<string>([signature(Int32Array.from(bottom, (_, i) => i))]);
  for (const name of levels) {
    const attributes = levelAttributes(name);
    for (const a of attributes) {
      if (!bottom.some((b) => typeof b[a] === 'string' && b[a] !== '')) throw new Error(`buildHierarchy: no series has attribute "${a}" (level "${name}")`);
    }
    const level = groupBy(name, attributes, bottom, missing);
    const sig = signature(level.nodeOf);
    if (signatures.has(sig)) continue;
    signatures.add(sig);
    built.push(level);
  }
  const offsets = new Int32Array(built.length + 1);
  for (let l = 0; l < built.length; l++) offsets[l + 1] = offsets[l] + built[l].keys.length;
  return { bottom, levels: built, offsets, missing };
}

function groupBy(name: string, attributes: readonly string[], bottom: readonly SeriesAttributes[], missing: Record<string, number>): Level {
  const keyOf: string[] = bottom.map((b) =>
    attributes.length === 0
      ? TOTAL
      : attributes
          .map((a) => {
            const v = b[a];
            if (typeof v === 'string' && v !== '') return v;
            return MISSING_VALUE;
          })
          .join('/'),
  );
  for (const a of attributes) {
    if (missing[a] !== undefined) continue;
    missing[a] = bottom.filter((b) => !(typeof b[a] === 'string' && b[a] !== '')).length;
  }
  const keys = [...new Set(keyOf)].sort();
  const index = new Map(keys.map((k, i) => [k, i]));
  const nodeOf = Int32Array.from(keyOf, (k) => index.get(k)!);
  return { name: attributes.length === 0 ? TOTAL : attributes.join('/'), attributes, keys, nodeOf };
}

/** A canonical text of a partition: node numbers in order of first appearance. */
function signature(nodeOf: Int32Array): string {
  const renumber = new Map<number, number>();
  const out: number[] = [];
  for (const k of nodeOf) {
    let r = renumber.get(k);
    if (r === undefined) {
      r = renumber.size;
      renumber.set(k, r);
    }
    out.push(r);
  }
  return out.join(',');
}

/** Aggregate nodes in all levels. */
export function nodeCount(h: Hierarchy): number {
  return h.offsets[h.levels.length];
}

/** Level and key of flat aggregate node `k`. */
export function nodeAt(h: Hierarchy, k: number): { level: Level; key: string } {
  for (let l = 0; l < h.levels.length; l++) {
    if (k < h.offsets[l + 1]) return { level: h.levels[l], key: h.levels[l].keys[k - h.offsets[l]] };
  }
  throw new Error(`nodeAt: node ${k} is outside the ${nodeCount(h)} aggregate nodes`);
}

/**
 * Attributes whose values contain `/` where a key cannot then be split back into its values:
 * any attribute but the last of a level crossing two or more (the bottom level `store/sku`
 * included, its keys being in quantiles.csv). A `/` in the last attribute's value is harmless
 * (split at the first slashes); `Food/Drink` as a store would make `Food/Drink/FOODS` ambiguous.
 * @returns for each such attribute, one example value, in level order.
 */
export function slashedKeyAttributes(h: Hierarchy): Record<string, string> {
  const out: Record<string, string> = {};
  const leading = new Set<string>(['store']);
  for (const l of h.levels) for (const a of l.attributes.slice(0, -1)) leading.add(a);
  for (const a of leading) {
    const v = h.bottom.find((b) => typeof b[a] === 'string' && b[a].includes('/'))?.[a];
    if (v !== undefined) out[a] = v;
  }
  return out;
}
