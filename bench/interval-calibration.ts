/**
 * Calibration of the published intervals and quantiles on count series whose distribution is
 * known: each series draws independent days from a Poisson or negative binomial distribution,
 * the backtest is the product's grid (3 origins 7 days apart, 28-day windows: 42 distinct error
 * days), the forecast and its sd are the true mean and sd, and the rules of
 * pipelines/forecast/intervals.ts (conformalIntervals, forecastQuantiles) are scored on 28 new
 * days. With the model right, any distance from nominal is the rules' own: the split-conformal
 * rank, the continuity spread of counts, the one-sided rule and the tail rule.
 *
 * Prints per distribution the 80% / 95% interval coverage, the share of one-sided intervals, and
 * the share of new days at or below each quantile (P(Y <= q), at least tau for whole-unit
 * quantiles of counts).
 *
 * Usage: node dist/bench/interval-calibration.js [--reps 400]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { conformalIntervals, forecastQuantiles } from '../pipelines/forecast/intervals.js';
import { tailProbabilities, tailShape } from '../pipelines/forecast/tail-shape.js';

const H = 28;
const ORIGINS = 3;
const STEP = 7;
const PROBABILITIES = [0.025, 0.25, 0.5, 0.75, 0.975];
/** Days of history before the backtest for the tail shape: the backtest fit window and the cold-start window. */
const HISTORY = 364 + 28;

/** Deterministic pseudo-random numbers in (0, 1) (a linear congruential generator). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

/** Poisson draw by inversion. */
function poisson(u: () => number, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let c = p;
  const x = u();
  while (x > c && k < 10_000) {
    k++;
    p *= mean / k;
    c += p;
  }
  return k;
}

/** Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the power boost). */
function gamma(u: () => number, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A count distribution: its draw, mean and sd. */
interface Counts {
  readonly name: string;
  readonly mean: number;
  readonly sd: number;
  readonly draw: (u: () => number) => number;
}

const poissonOf = (mean: number): Counts => ({ name: `Poisson(${mean})`, mean, sd: Math.sqrt(mean), draw: (u) => poisson(u, mean) });
/** Negative binomial as a gamma-Poisson mixture: variance mean + mean²/size. */
const negBinOf = (mean: number, size: number): Counts => ({
  name: `NB(mean ${mean}, size ${size})`,
  mean,
  sd: Math.sqrt(mean + (mean * mean) / size),
  draw: (u) => poisson(u, (gamma(u, size) * mean) / size),
});

export const DISTRIBUTIONS: readonly Counts[] = [poissonOf(0.3), poissonOf(0.7), poissonOf(1.5), poissonOf(3), poissonOf(10), negBinOf(1, 0.5), negBinOf(2, 1), negBinOf(8, 2)];

/** Coverage and quantile calibration of one distribution over `reps` series. */
export function calibrate(c: Counts, reps: number, seed = 1): { cov80: number; cov95: number; oneSided80: number; below: number[] } {
  const u = rng(seed);
  let n = 0;
  let in80 = 0;
  let in95 = 0;
  let one = 0;
  const below = new Array<number>(PROBABILITIES.length).fill(0);
  const mean = new Array<number>(H).fill(c.mean);
  const sd = new Array<number>(H).fill(c.sd);
  for (let rep = 0; rep < reps; rep++) {
    const history = Float64Array.from({ length: HISTORY }, () => c.draw(u));
    const days = Array.from({ length: (ORIGINS - 1) * STEP + H }, () => c.draw(u));
    const actuals = Array.from({ length: ORIGINS }, (_, o) => Float64Array.from(days.slice(o * STEP, o * STEP + H)));
    const input = {
      actuals,
      forecasts: actuals.map(() => new Float64Array(H).fill(c.mean)),
      sds: actuals.map(() => new Float64Array(H).fill(c.sd)),
      mean,
      sd,
      discrete: true,
      distinctDays: days.length,
      tail: tailShape(Float64Array.from([...history, ...days]), 28, 364, tailProbabilities([80, 95]), true),
    };
    const b = conformalIntervals({ ...input, levels: [80, 95] });
    const q = forecastQuantiles(input, PROBABILITIES);
    for (let j = 0; j < H; j++) {
      const y = c.draw(u);
      n++;
      const lo80 = Math.max(0, b.lo['80'][j]);
      if (lo80 === 0) one++;
      if (y >= lo80 && y <= b.hi['80'][j]) in80++;
      if (y >= Math.max(0, b.lo['95'][j]) && y <= b.hi['95'][j]) in95++;
      q.forEach((qq, k) => {
        if (y <= qq[j]) below[k]++;
      });
    }
  }
  return { cov80: in80 / n, cov95: in95 / n, oneSided80: one / n, below: below.map((x) => x / n) };
}

export function main(): void {
  const i = process.argv.indexOf('--reps');
  const reps = i > 0 ? Number(process.argv[i + 1]) : 400;
  if (!(Number.isInteger(reps) && reps > 0)) throw new Error(`interval-calibration needs --reps N (a whole number > 0), got ${process.argv[i + 1]}`);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  console.log(`${reps} series per distribution, ${ORIGINS} backtest origins ${STEP} days apart, ${H}-day windows, scored on ${H} new days each`);
  console.log(`${'distribution'.padEnd(24)} cov80  one-sided  cov95   P(Y <= q) at ${PROBABILITIES.join(' / ')}`);
  for (const c of DISTRIBUTIONS) {
    const r = calibrate(c, reps);
    console.log(`${c.name.padEnd(24)} ${pct(r.cov80).padStart(6)} ${pct(r.oneSided80).padStart(9)} ${pct(r.cov95).padStart(6)}   ${r.below.map(pct).join(' / ')}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
