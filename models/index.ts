/**
 * The registry of forecasting models, by name. Add a model here once its file exists.
 */
import type { Model } from './types.js';
import { naive } from './naive.js';
import { seasonalNaive } from './seasonal-naive.js';

export type { Model, FittedState, PointForecast, SeriesInput, Regressors } from './types.js';

/** Every model, keyed by its `name`. */
export const MODELS: Readonly<Record<string, Model>> = {
  [naive.name]: naive as unknown as Model,
  [seasonalNaive.name]: seasonalNaive as unknown as Model,
};

/** Look a model up by name. @throws when no model has that name. */
export function getModel(name: string): Model {
  const m = MODELS[name];
  if (!m) throw new Error(`unknown model "${name}"; known: ${Object.keys(MODELS).join(', ')}`);
  return m;
}
