/**
 * A sliding window of numbers kept sorted, for rolling medians and MADs (the winsorising rule of
 * pipelines/prepare/clean.ts).
 *
 * Recomputing a window's median and MAD by selection costs O(W) swaps per day with a large
 * constant (two quickselects); sliding the window by one day changes at most two values, so
 * keeping the values sorted makes each update one binary search and one native memmove, the
 * median one read, and the MAD one two-pointer walk outwards from the median over half the
 * window (the deviations left and right of the median are two sorted runs; their merge is the
 * sorted deviations). The results equal the selection-based median and MAD exactly: the same
 * multiset, the same middle elements, the same floating-point operations (`|x - med|`, and the
 * mean of the two middle values when the count is even).
 */
export class SortedWindow {
  private readonly v: Float64Array;
  private n = 0;

  /** @param capacity most values held at once. */
  constructor(capacity: number) {
    this.v = new Float64Array(Math.max(1, capacity));
  }

  /** Number of values held. */
  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  /** Add a value (not NaN). @throws when full. */
  insert(x: number): void {
    const v = this.v;
    if (this.n >= v.length) throw new Error(`SortedWindow.insert: capacity ${v.length} exceeded`);
    // first index with v[i] > x
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    v.copyWithin(lo + 1, lo, this.n);
    v[lo] = x;
    this.n++;
  }

  /** Remove one occurrence of a value added earlier. @throws when it is not held. */
  remove(x: number): void {
    const v = this.v;
    const i = this.lowerBound(x);
    if (i >= this.n || v[i] !== x) throw new Error(`SortedWindow.remove: ${x} is not in the window`);
    v.copyWithin(i, i + 1, this.n);
    this.n--;
  }

  /** Median (mean of the two middle values for an even count). NaN when empty. */
  median(): number {
    const n = this.n;
    if (n === 0) return NaN;
    const v = this.v;
    return n & 1 ? v[n >> 1] : (v[(n >> 1) - 1] + v[n >> 1]) / 2;
  }

  /** Median absolute deviation from `med` (normally {@link median}). NaN when empty. */
  mad(med: number): number {
    const n = this.n;
    if (n === 0) return NaN;
    const v = this.v;
    const want = n >> 1; // the deviation of this rank (0-based) and, for even n, the one below
    let a = this.lowerBound(med) - 1; // walks left: deviations grow
    let b = a + 1; // walks right: deviations grow
    let prev = NaN;
    for (let r = 0; r <= want; r++) {
      const da = a >= 0 ? Math.abs(v[a] - med) : Infinity;
      const db = b < n ? Math.abs(v[b] - med) : Infinity;
      let d: number;
      if (da <= db) {
        d = da;
        a--;
      } else {
        d = db;
        b++;
      }
      if (r === want) return n & 1 ? d : (prev + d) / 2;
      prev = d;
    }
    return NaN; // not reached
  }

  /** First index with v[i] >= x. */
  private lowerBound(x: number): number {
    const v = this.v;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
