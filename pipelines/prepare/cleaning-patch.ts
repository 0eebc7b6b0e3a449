/**
 * The cleaning patch: what the cleaning stage changed in a series' demand, kept sparse so that a
 * run holds one copy of every history plus the changed days (`SeriesData.cleaning`). The
 * cleaning stage (clean.ts) makes it; forecasting and publishing apply it per series, without
 * depending on the cleaning rules.
 */
import type { SeriesData } from '../types.js';

/** Sparse changes to a demand array: `demand[index[i]] = value[i]`, indices ascending. */
export interface DemandPatch {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** The days where `cleaned` differs from `recorded` (NaN-safe), with the cleaned values. */
export function demandPatch(recorded: Float64Array, cleaned: Float64Array): DemandPatch {
  let k = 0;
  for (let t = 0; t < cleaned.length; t++) if (!Object.is(cleaned[t], recorded[t])) k++;
  const index = new Int32Array(k);
  const value = new Float64Array(k);
  k = 0;
  for (let t = 0; t < cleaned.length; t++) {
    if (Object.is(cleaned[t], recorded[t])) continue;
    index[k] = t;
    value[k++] = cleaned[t];
  }
  return { index, value };
}

/**
 * The series the models learn from: when cleaning changed it (`series.cleaning`), a copy with the
 * cleaned demand and the demand as recorded in `recorded` (what backtests are scored against);
 * otherwise the series itself. Called per series where the cleaned history is needed, so that a
 * run holds one copy of every history plus the sparse changes.
 */
export function applyCleaning(series: SeriesData): SeriesData {
  const p = series.cleaning;
  if (p === undefined) return series;
  const demand = Float64Array.from(series.demand);
  for (let i = 0; i < p.index.length; i++) demand[p.index[i]] = p.value[i];
  const { cleaning: _applied, ...rest } = series;
  return { ...rest, demand, recorded: series.recorded ?? series.demand };
}

/** Cleaned demand of days [from, to) of a series (a copy; see {@link applyCleaning}). */
export function cleanedWindow(series: SeriesData, from: number, to: number): Float64Array {
  const out = series.demand.slice(from, to);
  const p = series.cleaning;
  if (p !== undefined) {
    for (let i = 0; i < p.index.length; i++) {
      const t = p.index[i];
      if (t >= from && t < to) out[t - from] = p.value[i];
    }
  }
  return out;
}
