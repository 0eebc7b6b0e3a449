/**
 * The quality-and-accuracy outputs of a run, in two calls for the publish stage (run.ts):
 *
 * 1. {@link writeQualityOutputs}, before run.json is written, into the staging directory:
 *    the impact analysis (`quality-impact.csv`, and its summary for run.json's `impact`), the
 *    realized accuracy of earlier runs that this input now covers (from `OUT/history`), and
 *    `report.html`;
 * 2. {@link recordHistory}, after the run directory is promoted: appends the realized scorings
 *    and the run's own record to `OUT/history/runs.jsonl`.
 *
 * Ordering matters for the history: a run is recorded only once its directory exists under its
 * final name, so a reader of the history can always open a recorded run's files.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';
import { analyseImpact, impactCsv, type ImpactSummary } from './quality-impact.js';
import { digestSeries } from './series-digest.js';
import { scoreEarlierRuns } from './realized.js';
import { buildReportData, renderReport, type ReportRunInput } from './report.js';
import { appendHistory, historyPath, runRecordFromSummary, type RealizedRecord, type RunSummaryLike } from './run-history.js';
import type { InputKind, SeriesData } from '../types.js';
import type { OrderPlan } from '../replenish/orders/orders.js';
import { cleaningCounts, currentFigures, readPreviousRun } from './previous-run.js';
import { watchPeriods } from './report-watch.js';
import { DAILY, periodFirstDay } from '../periods.js';
import { formatDay } from '../dates.js';

/** The compact impact summary for run.json (no per-series rows). */
export interface RunImpactSummary {
  readonly series: number;
  readonly spearman: number | null;
  readonly spearmanP: number | null;
  readonly bands: ImpactSummary['bands'];
  readonly r2: number | null;
  readonly defectCost: { defect: string; costRmsse: number; coefficient: number; t: number }[];
  readonly topDefect: string | null;
  readonly notes: string[];
  /** Realized accuracy of earlier runs scored with this input. */
  readonly realized: { runId: string; days: number; rmsse: number | null; coverage: Record<string, number> }[];
}

function round(x: number | null, d = 4): number | null {
  return x === null || !Number.isFinite(x) ? null : Number(x.toFixed(d));
}

/**
 * Write quality-impact.csv and report.html into the staging directory and score earlier runs.
 *
 * @param args.dir The run's staging directory.
 * @param args.outDir The output directory (holds `history/` and `runs/`).
 * @param args.run The prepared run (ids, counts, quality profiles, cleaning counts, series, end).
 * @param args.forecasts The run's forecasts.
 * @param args.realized Realized records already scored (by {@link scoreEarlierRuns} on the
 *   series as ingested, before cleaning: the way prepareRun should do it, since PreparedRun
 *   keeps only the cleaned series). When left out they are scored here on `args.actuals`, or
 *   on `run.series` (cleaned: winsorised and stockout-filled actuals, a caveat).
 * @param args.actuals Series as ingested, before cleaning, for realized scoring.
 * @param args.kind The input's layout.
 * @param args.recordedAt ISO timestamp for the realized records.
 * @returns the files written, the impact summary for run.json, and the realized records to
 *   append with {@link recordHistory} after the promote.
 * @throws OutputError when a file cannot be written.
 */
export async function writeQualityOutputs(args: {
  dir: string;
  outDir: string;
  run: ReportRunInput;
  forecasts: readonly SeriesForecast[];
  actuals?: readonly SeriesData[];
  realized?: readonly RealizedRecord[];
  kind: InputKind;
  recordedAt: string;
  /** The run's order list, for the report's "What to order" (pipelines/publish/report-orders.ts). */
  orders?: OrderPlan;
}): Promise<{ files: string[]; impact: RunImpactSummary; realized: RealizedRecord[] }> {
  const { dir, outDir, run, forecasts } = args;
  const impact = analyseImpact(run.quality.series, forecasts, (run.digest ?? digestSeries(run.series ?? [], run.end)).volume);
  await writeFileAtomic(join(dir, 'quality-impact.csv'), impactCsv(impact.rows));
  const records = args.realized
    ? [...args.realized]
    : (
        await scoreEarlierRuns(outDir, args.actuals ?? run.series ?? [], {
          kind: args.kind,
          scoredBy: run.runId,
          recordedAt: args.recordedAt,
          skipRunId: run.runId,
        })
      ).records;
  const compare = await compareFigures(args);
  const data = buildReportData(run, forecasts, impact, { realized: records, ...(args.orders ? { orders: args.orders } : {}), compare });
  await writeFileAtomic(join(dir, 'report.html'), renderReport(data));
  const s = impact.summary;
  return {
    files: ['quality-impact.csv', 'report.html'],
    realized: records,
    impact: {
      series: s.series,
      spearman: round(s.spearman),
      spearmanP: round(s.spearmanP),
      bands: s.bands.map((b) => ({ ...b, meanRmsse: round(b.meanRmsse) as number, medianRmsse: round(b.medianRmsse) as number })),
      r2: s.regression ? round(s.regression.r2) : null,
      defectCost: s.defectCost.map((d) => ({ defect: d.defect, costRmsse: round(d.costRmsse, 6) as number, coefficient: round(d.coefficient) as number, t: round(d.t, 2) as number })),
      topDefect: s.topDefect,
      notes: s.notes,
      realized: records.map((r) => ({ runId: r.runId, days: r.days, rmsse: r.rmsse, coverage: { ...r.coverage } })),
    },
  };
}

/**
 * The current run's figures and the previous run's (pipelines/publish/previous-run.ts), for the
 * report's "What to watch": forecasts over the first periods, models, lead times, cleaning actions.
 */
async function compareFigures(args: { dir: string; outDir: string; run: ReportRunInput; forecasts: readonly SeriesForecast[]; orders?: OrderPlan }) {
  const frequency = args.run.period?.grid.frequency ?? 'day';
  const periods = watchPeriods(frequency).compare;
  const leadTimes = new Map((args.orders?.rows ?? []).map((r) => [`${r.store}\u0000${r.sku}`, r.leadTimeDays]));
  const grid = args.run.period?.grid ?? DAILY;
  const firstDate = formatDay(periodFirstDay(grid, args.run.end + 1 + (args.run.lead ?? 0)));
  const current = currentFigures({ runId: args.run.runId, inputSha256: args.run.input.sha256 ?? '', firstDate, frequency }, args.forecasts, leadTimes, await cleaningCounts(join(args.dir, 'cleaning.csv')), periods);
  return { previous: await readPreviousRun(args.outDir, args.run.runId, periods), current };
}

/**
 * Append the realized scorings and the run's record to `OUT/history/runs.jsonl` (call after the
 * promote).
 * @param outDir The output directory.
 * @param summary The run's run.json summary.
 * @param realized Records from {@link writeQualityOutputs}.
 * @param recordedAt ISO timestamp.
 */
export async function recordHistory(outDir: string, summary: RunSummaryLike, realized: readonly RealizedRecord[], recordedAt: string): Promise<void> {
  const file = historyPath(outDir);
  for (const r of realized) await appendHistory(file, r);
  await appendHistory(file, runRecordFromSummary(summary, recordedAt));
}
