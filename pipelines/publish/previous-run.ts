/**
 * The previous run of an output directory, as the report's "What to watch" compares with it
 * (pipelines/publish/report-watch.ts): the latest published run in the run history
 * (`OUT/history/runs.jsonl`, pipelines/publish/run-history.ts) other than the current one whose
 * directory is still there, with per series its forecast total over the first periods, its model,
 * its lead time (orders.csv) and its cleaning actions (cleaning.csv). Files are read line by line
 * (forecasts.csv and cleaning.csv have millions of lines at M5 scale); a file that is missing or
 * unreadable leaves its figures out (a run made before orders.csv existed has no lead times).
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { historyPath, readHistory } from './run-history.js';

/** What the comparison needs of a run; maps keyed `store\u0000sku`. */
export interface RunFigures {
  readonly runId: string;
  readonly runDate: string;
  readonly inputSha256: string;
  /** First forecast date (ISO) and the run's period. */
  readonly firstDate: string;
  readonly frequency: 'day' | 'week' | 'month';
  /** Sum of the forecast over its first `periods` periods. */
  readonly totals: Map<string, number>;
  readonly periods: number;
  readonly models: Map<string, string>;
  readonly leadTimes: Map<string, number>;
  readonly cleaning: Map<string, number>;
}

/** One line of our own CSV files, split as {@link eachRow} reads them (papaparse, RFC 4180). */
export function csvCells(line: string): string[] {
  return Papa.parse<string[]>(line, { delimiter: ',' }).data[0] ?? [];
}

/** Our text cells may carry a leading `'` against formula injection (pipelines/io/csv-format.ts). */
const plain = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell);

/** Stream a CSV file's rows as header-indexed cells (papaparse's streaming reader); nothing when the file is missing. */
async function eachRow(file: string, onRow: (cell: (name: string) => string) => void): Promise<boolean> {
  if (!existsSync(file)) return false;
  let head: Map<string, number> | null = null;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(file, 'utf8'), {
      delimiter: ',',
      skipEmptyLines: true,
      step: ({ data: cells }) => {
        if (!head) {
          head = new Map(cells.map((c, i) => [c, i]));
          return;
        }
        const h = head;
        onRow((name) => plain(cells[h.get(name) ?? -1] ?? ''));
      },
      complete: () => resolve(),
      error: (e: Error) => reject(e),
    });
  });
  return true;
}

const keyOf = (cell: (n: string) => string) => `${cell('store')}\u0000${cell('sku')}`;

/**
 * A run's figures from its directory (module comment).
 * @param periods Forecast periods summed per series.
 */
export async function readRunFigures(dir: string, periods: number): Promise<RunFigures | null> {
  let summary: { runId: string; runDate: string; input?: { sha256?: string }; period?: { grid?: { frequency?: string } }; forecast?: { firstDate?: string } | null };
  try {
    summary = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!summary.forecast) return null;
  const totals = new Map<string, number>();
  const seen = new Map<string, number>();
  await eachRow(join(dir, 'forecasts.csv'), (c) => {
    const k = keyOf(c);
    const n = seen.get(k) ?? 0;
    if (n >= periods) return;
    seen.set(k, n + 1);
    totals.set(k, (totals.get(k) ?? 0) + Number(c('forecast')));
  });
  const models = new Map<string, string>();
  await eachRow(join(dir, 'accuracy.csv'), (c) => models.set(keyOf(c), c('model')));
  const leadTimes = new Map<string, number>();
  await eachRow(join(dir, 'orders.csv'), (c) => leadTimes.set(keyOf(c), Number(c('lead_time_days'))));
  const cleaning = new Map<string, number>();
  await eachRow(join(dir, 'cleaning.csv'), (c) => cleaning.set(keyOf(c), (cleaning.get(keyOf(c)) ?? 0) + 1));
  const f = summary.period?.grid?.frequency;
  return {
    runId: summary.runId,
    runDate: summary.runDate,
    inputSha256: summary.input?.sha256 ?? '',
    firstDate: summary.forecast.firstDate ?? '',
    frequency: f === 'week' || f === 'month' ? f : 'day',
    totals,
    periods,
    models,
    leadTimes,
    cleaning,
  };
}

/**
 * The previous run's figures (module comment), or null when the history names none still on disk.
 * @param outDir The output directory.
 * @param currentRunId The run being published (never its own previous run).
 */
export async function readPreviousRun(outDir: string, currentRunId: string, periods: number): Promise<RunFigures | null> {
  let runs;
  try {
    runs = (await readHistory(historyPath(outDir))).runs;
  } catch {
    return null;
  }
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i];
    if (r.runId === currentRunId || !r.forecast) continue;
    const dir = join(outDir, r.runDir);
    if (!existsSync(join(dir, 'run.json'))) continue;
    return readRunFigures(dir, periods);
  }
  return null;
}

/** Cleaning actions per series of a cleaning.csv (the current run's, in its staging directory). */
export async function cleaningCounts(file: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await eachRow(file, (c) => out.set(keyOf(c), (out.get(keyOf(c)) ?? 0) + 1));
  return out;
}

/**
 * The current run's figures for the comparison (same rules as {@link readRunFigures}, from memory).
 * @param periods Forecast periods summed per series.
 */
export function currentFigures(
  run: { readonly runId: string; readonly inputSha256: string; readonly firstDate: string; readonly frequency: 'day' | 'week' | 'month' },
  forecasts: readonly { readonly store: string; readonly sku: string; readonly model: string; readonly mean: readonly number[] }[],
  leadTimes: Map<string, number>,
  cleaning: Map<string, number>,
  periods: number,
): Omit<RunFigures, 'runDate'> {
  const totals = new Map<string, number>();
  const models = new Map<string, string>();
  for (const f of forecasts) {
    const k = `${f.store}\u0000${f.sku}`;
    let t = 0;
    // as read back from forecasts.csv: 3 decimals
    for (let i = 0; i < Math.min(periods, f.mean.length); i++) t += Number(f.mean[i].toFixed(3));
    totals.set(k, t);
    models.set(k, f.model);
  }
  return { ...run, totals, periods, models, leadTimes, cleaning };
}
