/**
 * The pooled stage in a run, for both shells: computed on the run's bottom series (in-process
 * `runPipeline`: started on stage 1's cleaned histories, on a thread beside the fits when the CLI
 * asks, pipelines/forecast/pooled-runner.ts; the queued run job, which saves it beside the levels
 * plan: pipelines/forecast/pooled-file.ts), then blended after the levels stage (the in-process
 * run; the queued publish job, which loads it), so both publish the same forecasts.
 */
import type { Config } from '../../config/schema.js';
import type { ForecastContext, SeriesForecast } from '../forecast/forecast-series.js';
import { applyPooled } from '../forecast/pooled-blend.js';
import { pooledStage, settingsSkipReason, type PooledFacts, type PooledInput, type PooledSeries, type PooledStage } from '../forecast/pooled-stage.js';
import { pooledWeights } from '../forecast/pooled-weights.js';
import type { LevelsPlan, LevelsStageResult } from '../hierarchy/run-levels.js';
import { DAILY, type PeriodGrid } from '../periods.js';
import type { SeriesData } from '../types.js';
import { seriesWarning, type RunWarning } from './warnings.js';

/**
 * What the pooled stage reads of a run.
 * @param series The bottom series, in the order they are forecast.
 * @param ctx The run's forecast context (last day, forecast days = horizon + lead, calendar, grid).
 */
export function pooledInputOf(series: readonly PooledSeries[], ctx: ForecastContext): PooledInput {
  return { series, calendar: ctx.calendar, grid: ctx.grid ?? DAILY, end: ctx.end, horizon: ctx.horizon };
}

/** The pooled stage of a run's bottom series on this thread (see {@link pooledInputOf}). */
export function runPooledStage(series: readonly SeriesData[], ctx: ForecastContext, config: Pick<Config, 'models'>): PooledStage {
  return pooledStage(pooledInputOf(series, ctx), config);
}

/**
 * The run's forecasts (and levels outputs) with the pooled forecasts blended in
 * (pipelines/forecast/pooled-blend.ts), each by its demand class's weight in `facts`
 * (pipelines/forecast/pooled-weights.ts); as they are when the stage was not used.
 * @param forecasts The bottom forecasts to publish (the levels stage's when it ran), over the forecast days.
 * @param levels The levels stage's result, when it ran.
 * @param plan Its plan (the hierarchy of its nodes).
 */
export function blendRun(forecasts: SeriesForecast[], levels: LevelsStageResult | undefined, plan: LevelsPlan | null, pooled: PooledStage): { forecasts: SeriesForecast[]; levels: LevelsStageResult | undefined } {
  if (!pooled.facts.used) return { forecasts, levels };
  const nodes = levels?.levels?.nodes ?? [];
  const out = applyPooled({ forecasts, quantiles: levels?.quantiles ?? [], nodes }, plan?.h ?? null, pooled.forecasts, pooledWeights(forecasts.map((f) => f.demandClass), pooled.facts));
  if (!levels) return { forecasts: out.forecasts, levels };
  return { forecasts: out.forecasts, levels: { forecasts: out.forecasts, quantiles: out.quantiles, levels: levels.levels && { ...levels.levels, nodes: out.nodes } } };
}

/**
 * What a queued run prepared without the pooled forecasts (by an earlier version) publishes:
 * unblended, with a `pooled_not_computed` warning when the settings ask for the pooled model.
 */
export function pooledNotComputed(config: Pick<Config, 'models'>, frequency: PeriodGrid['frequency']): { stage: PooledStage; warnings: RunWarning[] } {
  const { weight, intermittentWeight } = config.models.pooled;
  const off = settingsSkipReason(config, frequency);
  const asked = off === null;
  const facts: PooledFacts = { used: false, reason: off ?? 'not computed (a queued run prepared by an earlier version)', rows: 0, series: 0, trees: 0, fitMs: 0, weight, intermittentWeight };
  const warnings: RunWarning[] = asked ? [{ code: 'pooled_not_computed', message: 'the model pooled over all series was asked for, but this run did not compute it (a queued run prepared by an earlier version: run it again); forecasts.csv holds each series\' chosen model alone' }] : [];
  return { stage: { forecasts: [], facts }, warnings };
}

/**
 * The run warning of a pooled stage that found forecasts implausible (pipelines/forecast/pooled-stage.ts
 * `implausibleForecast`) and trained again with the cleaning's outlier caps.
 */
export function pooledWarnings(facts: PooledFacts | undefined): RunWarning[] {
  const keys = facts?.implausible ?? [];
  if (keys.length === 0) return [];
  const left = facts?.implausibleLeft ?? [];
  const alone = (xs: string[]) => `${xs.join(', ')} ${xs.length === 1 ? 'is' : 'are'} forecast by ${xs.length === 1 ? 'its' : 'their'} own model alone`;
  const found = `the model pooled over the series, trained on the sales as recorded, forecast ${keys.length} series a day above the most they sold on any day (a day the cleaning capped counting at its cap)`;
  const message = facts?.retrained
    ? `${found}: it learnt from quantities the cleaning took for outliers (see cleaning.csv), so it was trained again with the cleaning's caps${left.length ? `; still above it then, ${alone(left)}` : ''}`
    : `${found}; ${alone(left)}`;
  return [seriesWarning('pooled_implausible', message, keys)];
}
