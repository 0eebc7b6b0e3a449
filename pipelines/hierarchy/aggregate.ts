/**
 * Aggregation along a hierarchy: the products C·X and C'·X of the summing structure (levels.ts)
 * on row-major Float64Array matrices, and the aggregate nodes' daily series.
 *
 * Cost: O(levels × bottom series × width) additions, no allocation per point; C is never
 * formed (at M5 scale it would be 154 × 30,490).
 */
import type { SeriesData } from '../types.js';
import { nodeCount, type Hierarchy } from './levels.js';

/**
 * Sum bottom rows into aggregate-node rows: out = C·x.
 *
 * @param h The hierarchy.
 * @param x Bottom values, row-major, one row of `width` values per bottom series.
 * @param width Values per row (e.g. horizon days).
 * @returns a new (aggregate nodes × width) matrix, nodes in flat order.
 * @throws when x does not hold bottom × width values.
 */
export function sumToNodes(h: Hierarchy, x: Float64Array, width: number): Float64Array {
  const nb = h.bottom.length;
  if (x.length !== nb * width) throw new Error(`sumToNodes needs ${nb} × ${width} bottom values, got ${x.length}`);
  const out = new Float64Array(nodeCount(h) * width);
  eachMembership(h, (node, b) => addRow(out, node * width, x, b * width, width));
  return out;
}

/**
 * The transpose product: out = C'·y, each bottom row the sum of the rows of the nodes it
 * belongs to (one per level).
 *
 * @param h The hierarchy.
 * @param y Aggregate-node values, row-major (nodes × width).
 * @param width Values per row.
 * @throws when y does not hold nodes × width values.
 */
export function sumOverNodes(h: Hierarchy, y: Float64Array, width: number): Float64Array {
  const nb = h.bottom.length;
  if (y.length !== nodeCount(h) * width) throw new Error(`sumOverNodes needs ${nodeCount(h)} × ${width} node values, got ${y.length}`);
  const out = new Float64Array(nb * width);
  eachMembership(h, (node, b) => addRow(out, b * width, y, node * width, width));
  return out;
}

/** Call f(flat node, bottom series) for every level and bottom series (the non-zeros of C). */
function eachMembership(h: Hierarchy, f: (node: number, b: number) => void): void {
  const nb = h.bottom.length;
  for (let l = 0; l < h.levels.length; l++) {
    const base = h.offsets[l];
    const nodeOf = h.levels[l].nodeOf;
    for (let b = 0; b < nb; b++) f(base + nodeOf[b], b);
  }
}

/** to[at + j] += from[src + j] for j < width. */
function addRow(to: Float64Array, at: number, from: Float64Array, src: number, width: number): void {
  for (let j = 0; j < width; j++) to[at + j] += from[src + j];
}

/**
 * The daily series of every aggregate node: demand summed over its bottom series (the cleaned
 * demand when cleaning changed a member, with the sales as recorded summed into `recorded`),
 * from the earliest member's first day to the common last day.
 *
 * Each node's `key` is `<level>\u0000<node key>`; `sku` is the node key; `store` is the node's
 * store, or else its first store attribute's value, or ''; a node spanning several stores also
 * carries each store's share of its sales over the last {@link SHARE_DAYS} days (`storeShares`),
 * so the calendar's store-level flags (SNAP days per state) can be mixed by sales
 * (pipelines/forecast/calendar.ts). Price is unknown (NaN): a price of a mix of items is not a
 * price.
 *
 * @param series The bottom series, in the hierarchy's bottom order (store and sku must match).
 * @param h The hierarchy.
 * @returns one series per aggregate node, in flat node order.
 * @throws when the series do not match the hierarchy's bottom or do not end on the same day.
 */
export function aggregateSeries(series: readonly SeriesData[], h: Hierarchy): SeriesData[] {
  const nb = h.bottom.length;
  if (series.length !== nb) throw new Error(`aggregateSeries needs the hierarchy's ${nb} bottom series, got ${series.length}`);
  let last = NaN;
  for (let b = 0; b < nb; b++) {
    const s = series[b];
    if (s.store !== h.bottom[b].store || s.sku !== h.bottom[b].sku) {
      throw new Error(`aggregateSeries: series ${b} is ${s.store}/${s.sku}, the hierarchy has ${h.bottom[b].store}/${h.bottom[b].sku} there`);
    }
    const e = s.start + s.demand.length - 1;
    if (Number.isNaN(last)) last = e;
    else if (e !== last) throw new Error(`aggregateSeries needs series that end on the same day; ${s.store}/${s.sku} ends on day ${e}, others on ${last}`);
  }
  const cleanedAny = series.some((s) => s.cleaning !== undefined || s.recorded !== undefined);
  const out: SeriesData[] = [];
  for (const level of h.levels) {
    const k = level.keys.length;
    const start = new Array<number>(k).fill(Infinity);
    const rows = new Array<number>(k).fill(0);
    const firstMember = new Array<number>(k).fill(-1);
    for (let b = 0; b < nb; b++) {
      const n = level.nodeOf[b];
      if (firstMember[n] < 0) firstMember[n] = b;
      if (series[b].start < start[n]) start[n] = series[b].start;
      rows[n] += series[b].acceptedRows;
    }
    const nodes = start.map((s, n) => {
      const len = last - s + 1;
      return {
        demand: new Float64Array(len),
        recorded: cleanedAny ? new Float64Array(len) : undefined,
        observed: new Uint8Array(len),
      };
    });
    for (let b = 0; b < nb; b++) {
      const s = series[b];
      const n = level.nodeOf[b];
      addMember(nodes[n], s, s.start - start[n]);
    }
    const shares = level.attributes.includes('store') ? null : storeShares(series, level.nodeOf, k);
    const storeAttr = level.attributes.includes('store') ? 'store' : level.attributes.find((a) => a !== 'sku' && isStoreAttribute(h, a));
    for (let n = 0; n < k; n++) {
      const node = nodes[n];
      const len = node.demand.length;
      const member = h.bottom[firstMember[n]];
      out.push({
        key: `${level.name}\u0000${level.keys[n]}`,
        store: storeAttr ? member[storeAttr] ?? '' : '',
        sku: level.keys[n],
        start: start[n],
        demand: node.demand,
        returns: new Float64Array(len),
        price: new Float64Array(len).fill(NaN),
        observed: node.observed,
        issues: {},
        acceptedRows: rows[n],
        ...(node.recorded ? { recorded: node.recorded } : {}),
        ...(shares ? { storeShares: shares[n] } : {}),
      });
    }
  }
  return out;
}

/** Days of sales the store shares of an aggregate are computed over. */
export const SHARE_DAYS = 364;

/** Each node's stores and their shares of its sales over the last SHARE_DAYS days (even shares when it sold nothing). */
function storeShares(series: readonly SeriesData[], nodeOf: Int32Array, k: number): Record<string, number>[] {
  const sums: Map<string, number>[] = Array.from({ length: k }, () => new Map());
  for (let b = 0; b < series.length; b++) {
    const s = series[b];
    const y = s.recorded ?? s.demand;
    let v = 0;
    for (let t = Math.max(0, y.length - SHARE_DAYS); t < y.length; t++) v += y[t];
    const m = sums[nodeOf[b]];
    m.set(s.store, (m.get(s.store) ?? 0) + v);
  }
  return sums.map((m) => {
    let total = 0;
    for (const v of m.values()) total += v;
    const out: Record<string, number> = {};
    for (const [store, v] of [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) out[store] = total > 0 ? v / total : 1 / m.size;
    return out;
  });
}

/** Add one member series into a node's arrays at offset `at` (cleaned demand, recorded demand, observed). */
function addMember(node: { demand: Float64Array; recorded?: Float64Array; observed: Uint8Array }, s: SeriesData, at: number): void {
  const n = s.demand.length;
  // `recorded` set: demand is cleaned; a `cleaning` patch: demand is recorded, the patch cleans it
  const recorded = s.recorded ?? s.demand;
  for (let t = 0; t < n; t++) {
    node.demand[at + t] += s.demand[t];
    if (s.observed[t]) node.observed[at + t] = 1;
  }
  if (node.recorded) for (let t = 0; t < n; t++) node.recorded[at + t] += recorded[t];
  const p = s.cleaning;
  if (p) for (let i = 0; i < p.index.length; i++) node.demand[at + p.index[i]] += p.value[i] - s.demand[p.index[i]];
}

/** True when an attribute takes one value per store (a store attribute such as a state). */
function isStoreAttribute(h: Hierarchy, attribute: string): boolean {
  const byStore = new Map<string, string | undefined>();
  for (const b of h.bottom) {
    const v = b[attribute];
    const seen = byStore.get(b.store);
    if (byStore.has(b.store) && seen !== v) return false;
    byStore.set(b.store, v);
  }
  return true;
}
