/**
 * Publishing: the output contract users read.
 *
 * A run is assembled in a staging directory `OUT/runs/.staging-<id>`; every file in it is
 * written atomically (temporary file, fsync, rename). Only when every file is there is the
 * staging directory renamed to `OUT/runs/<run_id>` and the symlink `OUT/latest` replaced to
 * point at it, so `latest` always names a complete run, and a crash leaves at worst an
 * orphaned staging directory that the next run removes. A run that fails after its staging
 * directory has a run id is kept as `OUT/runs/<run_id>.failed` ({@link keepFailedRun}), with its
 * run.json saying why and its rejected.csv; `latest` never moves to it.
 */
import { link, mkdir, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureDir, openAtomicStream, OutputError, replaceSymlink, writeFileAtomic, type AtomicStream } from '../io/atomic-write.js';
import { csvLine, headerLine, numberCell, optionalNumberCell, textCell } from '../io/csv-format.js';
import { formatDay } from '../dates.js';
import { DAILY, periodFirstDay, type Frequency, type PeriodGrid } from '../periods.js';
import type { RejectCode, RejectedNotListed, RejectedRow, SeriesQuality } from '../types.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';

/** Columns of quality.csv, in order. */
export const QUALITY_COLUMNS = [
  'store', 'sku', 'first_sale', 'last_sale', 'history_days', 'completeness', 'missing_days', 'validity',
  'rejected_rows', 'duplicate_rows', 'return_rows', 'outlier_days', 'stockout_days', 'staleness_days',
  'zero_price_rows', 'score',
] as const;

/** Columns of accuracy.csv, in order. */
export const ACCURACY_COLUMNS = [
  'store', 'sku', 'class', 'model', 'fallback', 'mase', 'rmsse', 'wape', 'bias', 'fva', 'snaive_rmsse', 'origins',
] as const;

/** Columns of forecasts.csv for the given interval levels (80, 95 -> lo_80,hi_80,lo_95,hi_95). */
export function forecastColumns(levels: readonly number[]): string[] {
  const cols = ['store', 'sku', 'date', 'forecast'];
  for (const l of levels) cols.push(`lo_${l}`, `hi_${l}`);
  cols.push('model');
  return cols;
}

/** Create a fresh staging directory for a run under `outDir/runs`. */
export async function createStaging(outDir: string): Promise<string> {
  const runs = join(outDir, 'runs');
  await ensureDir(runs);
  const dir = join(runs, `.staging-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`);
  await ensureDir(dir);
  return dir;
}

/**
 * Remove staging directories (and the `.replaced-*` / `.previous-*` directories of an
 * interrupted replacement) left by crashed runs older than `maxAgeMs`; never the one `latest`
 * points at.
 */
export async function sweepStaging(outDir: string, maxAgeMs = 24 * 3600_000): Promise<number> {
  const runs = join(outDir, 'runs');
  let removed = 0;
  let names: string[] = [];
  try {
    names = await readdir(runs);
  } catch {
    return 0;
  }
  const now = Date.now();
  const latest = await readlinkOrNull(join(outDir, 'latest'));
  for (const n of names) {
    if (!/^\.(staging|replaced|previous)-/.test(n) || latest === join('runs', n)) continue;
    const p = join(runs, n);
    try {
      const s = await stat(p);
      if (now - s.mtimeMs > maxAgeMs) {
        await rm(p, { recursive: true, force: true });
        removed++;
      }
    } catch {
      /* raced with another sweeper */
    }
  }
  return removed;
}

/** What {@link openRejectedWriter} returns. */
export interface RejectedWriter {
  /** Write a row (when it is listed: see {@link RejectedWriter.admit}). */
  write(r: RejectedRow): void;
  /**
   * Whether a rejected row with these codes will be listed; when not, it is counted as left out
   * here and must not be written (so a caller can skip building it: ingest's `admitReject`).
   */
  admit(codes: readonly RejectCode[]): boolean;
  /** Rows written so far and those left out over the cap. */
  listed(): number;
  notListed(): RejectedNotListed;
  stream: AtomicStream;
}

/**
 * A streaming writer for rejected.csv: `line,codes,reason,<the input's header columns>`,
 * and `extra_fields` holding any fields beyond the header's width. It lists at most
 * `maxPerCode` rows per reject code (the first ones; a row is listed while any of its codes is
 * under the cap) and counts the others, so a file of millions of bad rows writes a bounded file.
 * @param maxPerCode config `validation.maxRejectedRowsPerCode`. @defaultValue no cap
 */
export function openRejectedWriter(stagingDir: string, header: readonly string[], maxPerCode = Infinity): RejectedWriter {
  const stream = openAtomicStream(join(stagingDir, 'rejected.csv'));
  stream.write(headerLine(['line', 'codes', 'reason', ...header, 'extra_fields']));
  const width = header.length;
  const listedBy = new Map<RejectCode, number>();
  const leftBy: Partial<Record<RejectCode, number>> = {};
  let listed = 0;
  let left = 0;
  const admit = (codes: readonly RejectCode[]) => {
    for (const c of codes) if ((listedBy.get(c) ?? 0) < maxPerCode) return true;
    left++;
    for (const c of codes) leftBy[c] = (leftBy[c] ?? 0) + 1;
    return false;
  };
  return {
    stream,
    admit,
    write(r: RejectedRow) {
      if (!admit(r.codes)) return;
      for (const c of r.codes) listedBy.set(c, (listedBy.get(c) ?? 0) + 1);
      listed++;
      const cells = [String(r.line), textCell(r.codes.join(';')), textCell(r.reason)];
      for (let i = 0; i < width; i++) cells.push(textCell(r.raw[i] ?? ''));
      cells.push(r.raw.length > width ? textCell(r.raw.slice(width).join(',')) : '');
      stream.write(csvLine(cells));
    },
    listed: () => listed,
    notListed: () => ({ rows: left, maxPerCode: Number.isFinite(maxPerCode) ? maxPerCode : null, byCode: { ...leftBy } }),
  };
}

/**
 * Write forecasts.csv: one row per series and horizon period, dates from `firstDay`: the first
 * period's number on `grid` (a day number for daily data); each period is dated by its first day.
 */
export async function writeForecasts(dir: string, forecasts: readonly SeriesForecast[], firstDay: number, levels: readonly number[], grid: PeriodGrid = DAILY): Promise<void> {
  const dates = Array.from({ length: forecasts[0]?.mean.length ?? 0 }, (_, i) => formatDay(periodFirstDay(grid, firstDay + i)));
  const s = openAtomicStream(join(dir, 'forecasts.csv'));
  s.write(headerLine(forecastColumns(levels)));
  const keys = levels.map(String);
  for (const f of forecasts) {
    const store = textCell(f.store);
    const sku = textCell(f.sku);
    const model = textCell(f.model);
    for (let i = 0; i < f.mean.length; i++) {
      const cells = [store, sku, dates[i] ?? formatDay(periodFirstDay(grid, firstDay + i)), numberCell(f.mean[i], 3)];
      for (const k of keys) cells.push(numberCell(f.lo[k][i], 3), numberCell(f.hi[k][i], 3));
      cells.push(model);
      s.write(csvLine(cells));
    }
  }
  await s.commit();
}

/** Write accuracy.csv: one row per series with its backtest figures. */
export async function writeAccuracy(dir: string, forecasts: readonly SeriesForecast[]): Promise<void> {
  let out = headerLine(ACCURACY_COLUMNS);
  for (const f of forecasts) {
    const a = f.accuracy;
    out += csvLine([
      textCell(f.store), textCell(f.sku), textCell(f.demandClass), textCell(f.model), textCell(f.fallback ?? ''),
      optionalNumberCell(a.mase), optionalNumberCell(a.rmsse), optionalNumberCell(a.wape), optionalNumberCell(a.bias),
      optionalNumberCell(a.fva), optionalNumberCell(a.snaiveRmsse), String(a.origins),
    ]);
  }
  await writeFileAtomic(join(dir, 'accuracy.csv'), out);
}

/**
 * Write quality.csv: one row per series with each quality dimension and the score. `unit`: the
 * run's period; weekly and monthly runs count periods and name the columns so (`history_weeks`).
 */
export async function writeQuality(dir: string, quality: readonly SeriesQuality[], unit: Frequency = 'day'): Promise<void> {
  let out = headerLine(unit === 'day' ? QUALITY_COLUMNS : QUALITY_COLUMNS.map((c) => c.replace(/_days$/, `_${unit}s`)));
  for (const q of quality) {
    out += csvLine([
      textCell(q.store), textCell(q.sku), q.firstSale, q.lastSale, String(q.historyDays), numberCell(q.completeness),
      String(q.missingDays), numberCell(q.validity), String(q.rejectedRows), String(q.duplicateRows), String(q.returnRows),
      String(q.outlierDays), String(q.stockoutDays), String(q.stalenessDays), String(q.zeroPriceRows), numberCell(q.score, 1),
    ]);
  }
  await writeFileAtomic(join(dir, 'quality.csv'), out);
}

/** Write run.json (pretty-printed, stable key order as given). */
export async function writeRunJson(dir: string, summary: unknown): Promise<void> {
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(summary, null, 2) + '\n');
}

/**
 * Move a complete staging directory to `OUT/runs/<runId>` and point `OUT/latest` at it.
 * A previous run with the same id (same input and run date) is replaced; while it is moved
 * aside, `latest` (when it names it) points at a hard-linked copy `runs/.previous-<id>-*`, so
 * after a crash at any step `latest` still resolves to a complete run.
 * @returns the final run directory.
 * @throws OutputError when a directory cannot be moved or linked.
 */
export async function promoteRun(outDir: string, stagingDir: string, runId: string): Promise<string> {
  const runs = join(outDir, 'runs');
  const final = join(runs, runId);
  const latest = join(outDir, 'latest');
  let old: string | null = null;
  let kept: string | null = null;
  if (await exists(final)) {
    // `latest` may name the run being replaced: while it is moved aside, point `latest` at a
    // hard-linked copy of it, so a crash at any step leaves `latest` on a complete run
    if ((await readlinkOrNull(latest)) === join('runs', runId)) {
      kept = join(runs, `.previous-${runId}-${randomBytes(4).toString('hex')}`);
      await linkTree(final, kept);
      await replaceSymlink(join('runs', basename(kept)), latest);
    }
    old = join(runs, `.replaced-${runId}-${randomBytes(4).toString('hex')}`);
    await renameOrFail(final, old);
  }
  await renameOrFail(stagingDir, final);
  await replaceSymlink(join('runs', runId), latest);
  if (old) await rm(old, { recursive: true, force: true });
  if (kept) await rm(kept, { recursive: true, force: true });
  // an earlier failed attempt of this run is superseded
  await rm(failedRunDirOf(outDir, runId), { recursive: true, force: true });
  return final;
}

/** Suffix of a failed run's directory: run ids never contain a dot, so it cannot name a run. */
export const FAILED_SUFFIX = '.failed';

/** `OUT/runs/<runId>.failed`: where a failed run's directory is kept. */
export function failedRunDirOf(outDir: string, runId: string): string {
  return join(outDir, 'runs', `${runId}${FAILED_SUFFIX}`);
}

/**
 * Keep a failed run's staging directory as `OUT/runs/<runId>.failed` (replacing an earlier failed
 * attempt of the same run), for its run.json and rejected.csv to say what went wrong. `latest` and
 * any published `OUT/runs/<runId>` are left as they are.
 * @returns the failed run's directory.
 * @throws OutputError when the directory cannot be moved.
 */
export async function keepFailedRun(outDir: string, stagingDir: string, runId: string): Promise<string> {
  const dir = failedRunDirOf(outDir, runId);
  await rm(dir, { recursive: true, force: true });
  await renameOrFail(stagingDir, dir);
  return dir;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function readlinkOrNull(p: string): Promise<string | null> {
  try {
    return await readlink(p);
  } catch {
    return null;
  }
}

/** Rename, as an OutputError on failure. */
async function renameOrFail(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    throw new OutputError(`cannot move ${from} to ${to}: ${(e as Error).message}`);
  }
}

/** Copy a directory tree as hard links (same file system, no data copied). @throws OutputError */
async function linkTree(from: string, to: string): Promise<void> {
  try {
    await mkdir(to);
    for (const e of await readdir(from, { withFileTypes: true })) {
      if (e.isDirectory()) await linkTree(join(from, e.name), join(to, e.name));
      else await link(join(from, e.name), join(to, e.name));
    }
  } catch (e) {
    if (e instanceof OutputError) throw e;
    throw new OutputError(`cannot keep a copy of ${from} while it is replaced: ${(e as Error).message}`);
  }
}
