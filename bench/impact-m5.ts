/**
 * The defect-injection experiment on the M5 slice (../shared/data/m5-slice): every defect type
 * at a 10% rate, seed 1, all 280 series, held-out = the last 28 days (2016-02-29 .. 2016-03-27),
 * each scenario run through the real pipeline with and without cleaning
 * (experiments/experiment.ts). Writes experiment.csv, experiment-verdicts.csv, experiment.json and
 * experiment.html to bench/out/impact-m5/ and prints the per-defect table.
 *
 * Usage: node dist/bench/impact-m5.js [DATA_DIR] [--series N] [--seed N] [--defects a=0.1,b=0.1] [--out DIR]
 * (DATA_DIR defaults to ../shared/data). Runs in about 5 minutes on one core.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import { formatVerdicts, runExperiment, writeExperiment, type ExperimentResult } from '../experiments/experiment.js';
import { DEFECT_TYPES, parseDefects, type DefectSpec } from '../experiments/inject.js';

/** Every defect type at 10%. */
export const DEFAULT_DEFECTS: DefectSpec[] = DEFECT_TYPES.map((type) => ({ type, rate: 0.1 }));

/** Options of {@link runImpactM5}. */
export interface ImpactM5Options {
  /** Directory holding m5-slice/. */
  readonly dataDir: string;
  readonly defects?: readonly DefectSpec[];
  /** @defaultValue 1 */
  readonly seed?: number;
  /** Restrict to the first N series (quick look); all 280 by default. */
  readonly maxSeries?: number;
  /** Where the outputs go. @defaultValue bench/out/impact-m5 */
  readonly outDir?: string;
  readonly log?: (line: string) => void;
}

/**
 * Run the experiment on the M5 slice and write its outputs.
 * @throws when the M5 files are missing or a stage fails.
 */
export async function runImpactM5(opts: ImpactM5Options): Promise<{ result: ExperimentResult; outDir: string }> {
  const sales = join(opts.dataDir, 'm5-slice', 'sales.csv.gz');
  const calendar = join(opts.dataDir, 'm5-slice', 'calendar.csv.gz');
  if (!existsSync(sales)) throw new Error(`impact-m5 needs ${sales}`);
  const outDir = resolve(opts.outDir ?? 'bench/out/impact-m5');
  const workDir = join(outDir, 'work');
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const result = await runExperiment({
    input: sales,
    calendar: existsSync(calendar) ? calendar : undefined,
    defects: opts.defects ?? DEFAULT_DEFECTS,
    seed: opts.seed ?? 1,
    config: defaultConfig(),
    workDir,
    maxSeries: opts.maxSeries,
    onProgress: (m) => log(`  ${m}`),
  });
  await rm(workDir, { recursive: true, force: true });
  await writeExperiment(outDir, result, 'Data-quality experiment: M5 slice');
  return { result, outDir };
}

async function main(argv: string[]): Promise<void> {
  let dataDir = '../shared/data';
  const opts: { maxSeries?: number; seed?: number; defects?: DefectSpec[]; outDir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--series') opts.maxSeries = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--defects') opts.defects = parseDefects(argv[++i]);
    else if (a === '--out') opts.outDir = argv[++i];
    else dataDir = a;
  }
  const t0 = Date.now();
  const { result, outDir } = await runImpactM5({ dataDir, ...opts });
  process.stdout.write(formatVerdicts(result));
  process.stdout.write(`wrote ${outDir}/experiment.{csv,json,html} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
