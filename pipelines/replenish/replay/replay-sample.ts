/**
 * The series the replay of every run uses when the catalogue is large (run-replay.ts): at most
 * `max` of them, spread evenly over sales volume so that slow and fast movers, and with them the
 * demand classes the calibration works per segment, are all represented. Volume is the units sold
 * before `before` (the first day the replay looks at), so the choice does not peek at the weeks
 * replayed. Deterministic: ties are broken by position.
 */

/**
 * Indices (ascending) of the sampled series: rank the series by units sold before `before`,
 * then take the middle rank of each of `max` equal slices of that ranking. All when `max` is 0 or
 * at least the number of series.
 */
export function volumeSample(series: readonly { readonly start: number; readonly demand: ArrayLike<number> }[], before: number, max: number): number[] {
  const n = series.length;
  if (max === 0 || max >= n) return series.map((_, i) => i);
  const volume = new Float64Array(n);
  series.forEach((s, i) => {
    const end = Math.min(before - s.start, s.demand.length);
    let sum = 0;
    for (let d = 0; d < end; d++) sum += s.demand[d];
    volume[i] = sum;
  });
  const ranked = series.map((_, i) => i).sort((a, b) => volume[a] - volume[b] || a - b);
  const picked: number[] = [];
  for (let k = 0; k < max; k++) picked.push(ranked[Math.floor(((k + 0.5) * n) / max)]);
  return picked.sort((a, b) => a - b);
}
