/**
 * A levels plan (run-levels.ts `LevelsPlan`) carried from a queued run's prepare step to its
 * publish step, which may run in another process or on another machine: the level names, each
 * bottom series' attributes and weight. The hierarchy is built again from them (levels.ts
 * `buildHierarchy` is deterministic), so publishing reconciles exactly as the in-process run does.
 * The aggregate histories are not kept here: they travel as extra series of the prepared run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { buildHierarchy, type SeriesAttributes } from './levels.js';
import type { LevelsPlan } from './run-levels.js';
import type { AttributeConflicts } from './attribute-conflicts.js';

/** File of the plan inside a run's work directory. */
export const LEVELS_PLAN_FILE = 'levels-plan.json';

/** The plan as stored. */
interface PlanRecord {
  version: 1;
  names: string[];
  /** Bottom series' attributes in bottom order (empty when no level is asked for). */
  bottom: SeriesAttributes[];
  /** Bottom weights; finite doubles survive JSON exactly. */
  weights: number[];
  /** Where each attribute came from. */
  sources: Record<string, string>;
  /** Attributes with two values for one sku (store); absent in a plan written before they were kept. */
  conflicts?: AttributeConflicts;
}

/** The plan as stored (pure). */
export function planRecord(plan: LevelsPlan): PlanRecord {
  return { version: 1, names: plan.names, bottom: plan.h ? [...plan.h.bottom] : [], weights: Array.from(plan.weights), sources: plan.sources, conflicts: plan.conflicts };
}

/** A plan from its record (pure): the hierarchy rebuilt, no aggregate histories. @throws on a record of another shape */
export function planOfRecord(r: PlanRecord): LevelsPlan {
  if (r?.version !== 1 || !Array.isArray(r.names) || !Array.isArray(r.bottom) || !Array.isArray(r.weights)) throw new Error('levels plan: not a version-1 plan record');
  if (r.weights.some((w) => typeof w !== 'number' || !Number.isFinite(w))) throw new Error('levels plan: a bottom weight is not a finite number');
  const h = r.names.length ? buildHierarchy(r.bottom, r.names) : null;
  return { names: r.names, h, aggregates: [], weights: Float64Array.from(r.weights), sources: { ...r.sources }, conflicts: { ...(r.conflicts ?? {}) } };
}

/** Write the plan into `dir` (atomic). */
export async function saveLevelsPlan(dir: string, plan: LevelsPlan): Promise<void> {
  await writeFileAtomic(join(dir, LEVELS_PLAN_FILE), JSON.stringify(planRecord(plan)));
}

/** Read the plan from `dir`; null when the run has none (neither levels nor quantiles asked for). */
export async function loadLevelsPlan(dir: string): Promise<LevelsPlan | null> {
  let text: string;
  try {
    text = await readFile(join(dir, LEVELS_PLAN_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return planOfRecord(JSON.parse(text) as PlanRecord);
}
