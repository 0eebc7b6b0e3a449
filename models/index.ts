/**
 * The registry of forecasting models, by name. Add a model here once its file exists.
 */
import type { Model } from './types.js';
import { naive } from './naive.js';
import { seasonalNaive } from './seasonal-naive.js';
import { ses } from './ses.js';
import { movingAverage } from './moving-average.js';
import { croston } from './croston.js';
import { sba } from './sba.js';
import { holtDamped } from './holt-damped.js';
import { holtWinters, holtWintersDamped } from './holt-winters.js';
import { tsb } from './tsb.js';
import { adida } from './adida.js';
import { imapa } from './imapa.js';
import { theta } from './theta.js';
import { regression } from './regression.js';
import { calendarAdjusted } from './calendar-adjusted.js';
import { yearOverYear } from './year-over-year.js';
import { seasonallyAdjusted } from './seasonally-adjusted.js';

export type { Model, FittedState, PointForecast, SeriesInput, Regressors } from './types.js';

/** Every model, keyed by its `name`. */
export const MODELS: Readonly<Record<string, Model>> = {
  [naive.name]: naive as unknown as Model,
  [seasonalNaive.name]: seasonalNaive as unknown as Model,
  [ses.name]: ses as unknown as Model,
  [movingAverage.name]: movingAverage as unknown as Model,
  [croston.name]: croston as unknown as Model,
  [sba.name]: sba as unknown as Model,
  [holtDamped.name]: holtDamped as unknown as Model,
  [holtWinters.name]: holtWinters as unknown as Model,
  [holtWintersDamped.name]: holtWintersDamped as unknown as Model,
  [tsb.name]: tsb as unknown as Model,
  [adida.name]: adida as unknown as Model,
  [imapa.name]: imapa as unknown as Model,
  [theta.name]: theta as unknown as Model,
  [regression.name]: regression as unknown as Model,
  [yearOverYear.name]: yearOverYear as unknown as Model,
  // calendar-adjusted twins (`cal:<name>`) of the models without regressors of their own
  ...Object.fromEntries(
    [seasonalNaive, ses, movingAverage, holtWinters, holtWintersDamped, theta].map((m) => {
      const adjusted = calendarAdjusted(m as unknown as Model);
      return [adjusted.name, adjusted as unknown as Model];
    }),
  ),
  // seasonally adjusted twins (`sa:<name>`) of the models without a season (monthly pool: pipelines/forecast/classify.ts)
  ...Object.fromEntries(
    [ses, holtDamped].map((m) => {
      const adjusted = seasonallyAdjusted(m as unknown as Model);
      return [adjusted.name, adjusted as unknown as Model];
    }),
  ),
};


/** Look a model up by name. @throws when no model has that name. */
export function getModel(name: string): Model {
  const m = MODELS[name];
  if (!m) throw new Error(`unknown model "${name}"; known: ${Object.keys(MODELS).join(', ')}`);
  return m;
}
