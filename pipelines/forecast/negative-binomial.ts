/**
 * Quantiles of count demand: the negative binomial distribution with a given mean and variance
 * (Poisson when the variance does not exceed the mean). Count data are whole units, so the
 * quantile that minimises the pinball loss is a whole number too: a quantile between two counts
 * loses on both sides. The negative binomial is the usual over-dispersed model of retail unit
 * sales (Snyder, Ord & Beaumont 2012; Kolassa 2016).
 *
 * Parameterisation: mean μ, variance v > μ; size r = μ² / (v - μ), q = μ / (r + μ);
 * P(k) = Γ(k + r) / (Γ(r)·k!) · (1 - q)^r · q^k, so P(k+1) = P(k)·(r + k)/(k + 1)·q, carried
 * in logs (P(0) of a mean of several hundred is below double precision's range). The CDF is
 * summed from k0 = max(0, ⌊μ - 40·sd⌋) (P(k0) from log-gamma; the mass below k0 is negligible:
 * k0 > 0 needs r > 1600, a nearly normal distribution 40 sd above it), so a large mean costs
 * about 80 sd steps, not μ.
 *
 * Sources: Johnson, Kemp & Kotz, *Univariate Discrete Distributions* (3rd ed., 2005), §5.1;
 * Snyder, R.D., Ord, J.K. & Beaumont, A. (2012), "Forecasting the intermittent demand for slow-
 * moving inventories: A modelling approach", IJF 28(2), 485-496; Kolassa, S. (2016),
 * "Evaluating predictive count data distributions in retail sales forecasting", IJF 32(3),
 * 788-803; log-gamma: Lanczos (1964) with Godfrey's g = 7 coefficients (Press et al.,
 * *Numerical Recipes*, 3rd ed., §6.1).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, relative error about 1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Quantiles of a count distribution with mean `mean` and variance `variance` (module comment):
 * for each probability tau, the smallest whole k with P(X <= k) >= tau.
 *
 * @param mean Mean, >= 0 (0 gives 0 for every probability).
 * @param variance Variance (at or below the mean: the Poisson distribution).
 * @param probabilities Probabilities in (0, 1), ascending.
 * @returns one whole number per probability, non-decreasing.
 * @example countQuantiles(5, 20, [0.5, 0.975]) // [4, 16], as R's qnbinom(c(0.5, 0.975), size = 5/3, mu = 5)
 * @throws when the mean is negative or not finite, the variance is not finite, or (a bug) the sum
 *   cannot reach a probability.
 */
export function countQuantiles(mean: number, variance: number, probabilities: readonly number[]): number[] {
  if (!(mean >= 0 && Number.isFinite(mean))) throw new Error(`countQuantiles needs a finite mean >= 0, got ${mean}`);
  if (!Number.isFinite(variance)) throw new Error(`countQuantiles needs a finite variance, got ${variance}`);
  if (mean === 0) return probabilities.map(() => 0);
  const poisson = !(variance > mean * (1 + 1e-9));
  const v = poisson ? mean : variance;
  // ln P(k) and the ratio P(k+1)/P(k) = (a + b·k)/(k + 1)
  let logPmf: (k: number) => number;
  let a: number;
  let b: number;
  if (poisson) {
    logPmf = (k) => -mean + k * Math.log(mean) - logGamma(k + 1);
    a = mean;
    b = 0;
  } else {
    const r = (mean * mean) / (v - mean);
    // a size that underflows: all the mass at 0 but for under 1e-300
    if (!(r > 0)) return probabilities.map(() => 0);
    const q = mean / (r + mean);
    // ln(1 - q) as ln r - ln(r + μ): q rounds to 1 for a tiny mean with a large variance
    const log1q = Math.log(r) - Math.log(r + mean);
    logPmf = (k) => logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * log1q + k * Math.log(q);
    a = r * q;
    b = q;
  }
  const sd = Math.sqrt(v);
  let k = Math.max(0, Math.floor(mean - 40 * sd));
  // in logs: P(k) of a mean of several hundred underflows at small k and must still grow
  let logPk = logPmf(k);
  let cdf = Math.exp(logPk);
  const limit = Math.ceil(mean + 80 * sd + 100); // past any quantile (rounding can keep the CDF a hair under 1)
  const out: number[] = [];
  for (const tau of probabilities) {
    while (cdf < tau && k < limit) {
      logPk += Math.log((a + b * k) / (k + 1));
      k++;
      cdf += Math.exp(logPk);
    }
    // only rounding may leave the CDF short of tau at the limit; anything more is a bug, not a quantile
    if (cdf < tau - 1e-6) throw new Error(`countQuantiles(${mean}, ${variance}) reached ${k} with P(X <= k) = ${cdf} < ${tau}`);
    out.push(k);
  }
  return out;
}
