/**
 * SBA, the Syntetos-Boylan approximation: Croston's method with its bias corrected by the factor
 * (1 - alpha_p / 2), forecast = (1 - alpha_p / 2) * z / p, alpha_p being the smoothing parameter of the
 * inter-demand intervals. Sizes, intervals, initialisation, parameter estimation and the forecast sd
 * (sigma at every step, a documented approximation) are those of `croston` (models/croston.ts).
 *
 * Source: A. A. Syntetos & J. E. Boylan, "The accuracy of intermittent demand estimates",
 * *International Journal of Forecasting* 21(2) (2005) 303-314, eq. (8); equivalently
 * `tsintermittent::crost(type = "sba")` (Kourentzes) and statsforecast's `CrostonSBA`.
 */
import { crostonFitted, fitCrostonState, forecastCrostonState, type CrostonState } from './croston.js';
import type { Model } from './types.js';

/** SBA: bias-corrected Croston with estimated smoothing parameters. */
export const sba: Model<CrostonState> = {
  name: 'sba',
  minLength: 1,
  intermittent: true,
  usesRegressors: false,
  fit: (input) => fitCrostonState('sba', input),
  forecast: (state, h) => forecastCrostonState('sba', state, h),
  fittedValues: (state, input) => {
    const out = new Float64Array(input.y.length);
    crostonFitted(input.y, state.alphaZ, state.alphaP, state.factor, out);
    return out;
  },
};
