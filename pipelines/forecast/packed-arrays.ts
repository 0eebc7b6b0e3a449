/**
 * Number arrays received from another thread, given back their compact layout.
 *
 * A structured clone (worker_threads `postMessage`) rebuilds a JS array of non-integer numbers
 * with every element boxed (a pointer and a heap number: 24 bytes instead of 8). The forecasts of
 * a run come back from the fitting threads that way: at M5 scale (30,490 series, each with its
 * recent sales, forecast, intervals and, for the levels stage, its backtest trace) that tripled
 * their ~190 MB to ~570 MB of live heap, and V8 lets the heap grow to a multiple of what is live
 * before it collects again (bench/m5-scale.ts, README Performance). Copying each such array
 * element by element into a `new Array(n)` gives back an unboxed array of doubles, the same
 * numbers (`Array.from` and `slice` keep the boxed layout of an array received from a thread).
 */

/**
 * Repack, in place, every array of numbers found in a plain JSON-like value (objects and arrays,
 * nested); arrays holding anything else (null, strings, objects) are walked, not copied.
 * @returns the value (the same object, or a repacked copy when the value itself is a number array).
 */
export function packNumberArrays<T>(value: T): T {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number')) return unboxed(value) as T;
    for (let i = 0; i < value.length; i++) value[i] = packNumberArrays(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = packNumberArrays(o[k]);
  }
  return value;
}

/** A copy of a number array with unboxed elements (module comment). */
function unboxed(values: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}
