/**
 * The run history: one append-only JSON-lines file, `OUT/history/runs.jsonl`, with a record per
 * published run (its inputs, counts, quality and backtest accuracy summary) and a record each
 * time a later input lets an earlier run's forecast be scored against what was actually sold.
 *
 * Why JSON lines and not SQLite: the history is small (one line per run, a few per day at
 * most), written by one process per run (the publish step), and read whole; what matters is
 * that it is never rewritten, survives a crash, and can be read by people and other tools
 * (`tail`, `jq`, a spreadsheet import) without this program. An append of one line with
 * O_APPEND, in one write() call followed by fsync, cannot overwrite earlier lines; a crash can at
 * worst leave a torn last line, which {@link readHistory} skips and counts. SQLite would add
 * transactions we do not need and a binary file that is harder to inspect or merge; the sales
 * history (pipelines/history/history-store.ts) needs those and uses SQLite.
 *
 * Records are versioned (`v: 1`); readers skip record types they do not know.
 */
import { open, readFile } from 'node:fs/promises';
import { ensureDir } from '../io/atomic-write.js';
import { dirname, join } from 'node:path';
import type { RowCounts } from '../types.js';

/** Where the history of an output directory lives. */
export function historyPath(outDir: string): string {
  return join(outDir, 'history', 'runs.jsonl');
}

/** A published run. */
export interface RunRecord {
  readonly type: 'run';
  readonly v: 1;
  readonly runId: string;
  readonly runDate: string;
  /** ISO timestamp of the append. */
  readonly recordedAt: string;
  readonly mode: string;
  /** The run's directory relative to the output directory (`runs/<runId>`). */
  readonly runDir: string;
  readonly input: { readonly path: string; readonly sha256: string; readonly bytes: number; readonly kind: string; readonly calendar: string | null };
  readonly rows: RowCounts;
  /** Issue code counts. */
  readonly issues: Readonly<Record<string, number>>;
  readonly quality: { readonly series: number; readonly meanScore: number; readonly medianScore: number; readonly minScore: number };
  readonly cleaning: Readonly<Record<string, number>> | null;
  readonly forecast: {
    readonly series: number;
    /** First and last forecast date (ISO). */
    readonly firstDate: string;
    readonly lastDate: string;
    /** Period of the forecasts when not days (weeks and months are not scored against daily sales); absent: days. */
    readonly frequency?: 'week' | 'month';
    readonly meanRmsse: number | null;
    readonly meanMase: number | null;
    readonly meanFva: number | null;
    readonly models: Readonly<Record<string, number>>;
  } | null;
  /** Quality-accuracy link within the run (pipelines/publish/quality-impact.ts). */
  readonly impact: { readonly spearman: number | null; readonly topDefect: string | null } | null;
}

/** A later scoring of a run's forecast against actual sales (pipelines/publish/realized.ts). */
export interface RealizedRecord {
  readonly type: 'realized';
  readonly v: 1;
  /** The run whose forecast was scored. */
  readonly runId: string;
  /** The run (or input) that brought the actuals. */
  readonly scoredBy: string;
  readonly recordedAt: string;
  /** First and last forecast date scored (ISO), and the number of days in between with actuals. */
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** Series and (series, day) points scored. */
  readonly series: number;
  readonly points: number;
  /** Mean RMSSE over the series with a defined scale. */
  readonly rmsse: number | null;
  readonly mae: number;
  /** Σ(forecast - actual) / Σ actual. */
  readonly bias: number | null;
  /** Share of points inside each interval, keyed by level ("80", "95"). */
  readonly coverage: Readonly<Record<string, number>>;
  /** The scored run's mean quality score, and Spearman's rho of its per-series scores against realized RMSSE. */
  readonly qualityScore: number | null;
  readonly qualitySpearman: number | null;
}

/** A run that failed: kept as `runs/<runId>.failed`, never `latest` (pipelines/run/run.ts `keepFailed`). */
export interface FailedRecord {
  readonly type: 'failed';
  readonly v: 1;
  readonly runId: string;
  readonly runDate: string;
  readonly recordedAt: string;
  readonly mode: string;
  /** The failed run's directory relative to the output directory (`runs/<runId>.failed`), or null when it could not be kept. */
  readonly runDir: string | null;
  /** Stage that failed: validation (every row rejected), forecast or publish. */
  readonly stage: string;
  readonly message: string;
  readonly exitCode: number;
  readonly rows: RowCounts;
}

/** Any line of the history. */
export type HistoryRecord = RunRecord | RealizedRecord | FailedRecord;

/** The history as read. */
export interface History {
  readonly runs: RunRecord[];
  readonly realized: RealizedRecord[];
  /** Runs that failed, in record order. */
  readonly failed: FailedRecord[];
  /** Lines that were not valid records (a torn last line after a crash, or a newer format). */
  readonly skipped: number;
}

/**
 * Append one record as one line, then fsync: O_APPEND never overwrites earlier lines.
 * @param file the history file (directories are created).
 * @throws when the record is not a run or realized record, or the file cannot be written.
 */
export async function appendHistory(file: string, record: HistoryRecord): Promise<void> {
  if (record.type !== 'run' && record.type !== 'realized' && record.type !== 'failed') throw new Error(`appendHistory needs a run, realized or failed record, got type "${(record as { type: string }).type}"`);
  if (!record.runId) throw new Error('appendHistory needs a record with a runId');
  await ensureDir(dirname(file));
  const line = `${JSON.stringify(record)}\n`;
  const fh = await open(file, 'a');
  try {
    await fh.write(line);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Append a run record. @see appendHistory */
export async function recordRun(file: string, record: RunRecord): Promise<void> {
  await appendHistory(file, record);
}

/**
 * Read the history. A missing file is an empty history.
 * @throws when the file exists but cannot be read.
 */
export async function readHistory(file: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], realized: [], failed: [], skipped: 0 };
    throw e;
  }
  return parseHistory(text);
}

/** Parse history text (one JSON record per line). */
export function parseHistory(text: string): History {
  const runs: RunRecord[] = [];
  const realized: RealizedRecord[] = [];
  const failed: FailedRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const rec = r as Partial<HistoryRecord>;
    if (rec && rec.v === 1 && rec.type === 'run' && typeof rec.runId === 'string') runs.push(rec as RunRecord);
    else if (rec && rec.v === 1 && rec.type === 'realized' && typeof rec.runId === 'string') realized.push(rec as RealizedRecord);
    else if (rec && rec.v === 1 && rec.type === 'failed' && typeof rec.runId === 'string') failed.push(rec as FailedRecord);
    else skipped++;
  }
  return { runs, realized, failed, skipped };
}

/** Summary fields a run record is built from (the shape of run.json, pipelines/run/run-summary.ts). */
export interface RunSummaryLike {
  /** The run's period (pipelines/prepare/period-detect.ts); absent: days. */
  period?: { grid: { frequency: string } };
  runId: string;
  runDate: string;
  mode: string;
  input: { path: string; sha256: string; bytes: number; kind: string; calendar: string | null };
  rows: RowCounts;
  issues: Record<string, number>;
  quality: { series: number; meanScore: number; medianScore: number; minScore: number };
  cleaning: Record<string, number> | null;
  forecast: null | { series: number; firstDate: string; lastDate: string; meanRmsse: number | null; meanMase: number | null; meanFva: number | null; models: Record<string, number> };
  impact: unknown;
}

/**
 * The history record of a published run, from its run.json summary.
 * @param summary the run's summary.
 * @param recordedAt ISO timestamp (pass it in: this module reads no clock).
 */
export function runRecordFromSummary(summary: RunSummaryLike, recordedAt: string): RunRecord {
  const imp = summary.impact as { spearman?: number | null; topDefect?: string | null } | null | undefined;
  return {
    type: 'run',
    v: 1,
    runId: summary.runId,
    runDate: summary.runDate,
    recordedAt,
    mode: summary.mode,
    runDir: `runs/${summary.runId}`,
    input: { path: summary.input.path, sha256: summary.input.sha256, bytes: summary.input.bytes, kind: summary.input.kind, calendar: summary.input.calendar },
    rows: { ...summary.rows },
    issues: { ...summary.issues },
    quality: { series: summary.quality.series, meanScore: summary.quality.meanScore, medianScore: summary.quality.medianScore, minScore: summary.quality.minScore },
    cleaning: summary.cleaning ? { ...summary.cleaning } : null,
    forecast: summary.forecast
      ? {
          series: summary.forecast.series,
          firstDate: summary.forecast.firstDate,
          lastDate: summary.forecast.lastDate,
          ...(summary.period && summary.period.grid.frequency !== 'day' ? { frequency: summary.period.grid.frequency as 'week' | 'month' } : {}),
          meanRmsse: summary.forecast.meanRmsse,
          meanMase: summary.forecast.meanMase,
          meanFva: summary.forecast.meanFva,
          models: { ...summary.forecast.models },
        }
      : null,
    impact: imp ? { spearman: imp.spearman ?? null, topDefect: imp.topDefect ?? null } : null,
  };
}

/** One line of the trend. */
export interface TrendRow {
  readonly runId: string;
  readonly runDate: string;
  readonly rowsRead: number;
  readonly rejectedShare: number;
  readonly series: number;
  readonly qualityScore: number;
  readonly backtestRmsse: number | null;
  /** The widest realized scoring of this run (most days), when any. */
  readonly realizedRmsse: number | null;
  readonly realizedDays: number;
  readonly coverage: Readonly<Record<string, number>>;
  readonly qualitySpearman: number | null;
}

/**
 * One row per run, oldest run date first (then by record order), with its widest realized
 * scoring. Repeated records of the same run id (a re-run of the same input) keep the last.
 */
export function historyTrend(history: History): TrendRow[] {
  const byRun = new Map<string, { r: RunRecord; order: number }>();
  history.runs.forEach((r, i) => byRun.set(r.runId, { r, order: i }));
  const best = new Map<string, RealizedRecord>();
  for (const z of history.realized) {
    const b = best.get(z.runId);
    if (!b || z.days > b.days || (z.days === b.days && z.recordedAt >= b.recordedAt)) best.set(z.runId, z);
  }
  return [...byRun.values()]
    .sort((a, b) => (a.r.runDate < b.r.runDate ? -1 : a.r.runDate > b.r.runDate ? 1 : a.order - b.order))
    .map(({ r }) => {
      const z = best.get(r.runId);
      return {
        runId: r.runId,
        runDate: r.runDate,
        rowsRead: r.rows.read,
        rejectedShare: r.rows.read > 0 ? r.rows.rejected / r.rows.read : 0,
        series: r.quality.series,
        qualityScore: r.quality.meanScore,
        backtestRmsse: r.forecast?.meanRmsse ?? null,
        realizedRmsse: z ? z.rmsse : null,
        realizedDays: z ? z.days : 0,
        coverage: z ? z.coverage : {},
        qualitySpearman: z ? z.qualitySpearman : null,
      };
    });
}

/** A fixed-width text table of the trend, for the terminal. */
export function formatTrend(rows: readonly TrendRow[]): string {
  if (rows.length === 0) return 'no runs recorded yet\n';
  const levels = [...new Set(rows.flatMap((r) => Object.keys(r.coverage)))].sort((a, b) => Number(a) - Number(b));
  const head = ['run date', 'run id', 'rows', 'rejected', 'series', 'quality', 'backtest RMSSE', 'realized RMSSE', 'days', ...levels.map((l) => `cover ${l}%`), 'rho(q,err)'];
  const f = (x: number | null, d: number) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const body = rows.map((r) => [
    r.runDate,
    r.runId,
    String(r.rowsRead),
    `${(100 * r.rejectedShare).toFixed(1)}%`,
    String(r.series),
    f(r.qualityScore, 1),
    f(r.backtestRmsse, 3),
    f(r.realizedRmsse, 3),
    r.realizedDays ? String(r.realizedDays) : '-',
    ...levels.map((l) => (r.coverage[l] === undefined ? '-' : `${(100 * r.coverage[l]).toFixed(0)}%`)),
    f(r.qualitySpearman, 2),
  ]);
  const widths = columnWidths(head, body);
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

/**
 * The failed runs of the history, for the terminal: one line each with its run date, run id,
 * stage, message and kept directory; a failed run published later under the same id says so.
 */
export function formatFailed(history: History): string {
  if (!history.failed.length) return '';
  const lines = history.failed.map((f) => {
    const later = history.runs.some((r) => r.runId === f.runId && r.recordedAt > f.recordedAt);
    const where = f.runDir ? ` (${f.runDir})` : '';
    return `  ${f.runDate}  ${f.runId}  FAILED at ${f.stage}: ${f.message}${where}${later ? ' — published later by a re-run' : ''}`;
  });
  return `failed runs (never "latest"):\n${lines.join('\n')}\n`;
}

/** Widths of a text table's columns: the longest cell of each (a loop: one row per run, never a spread). */
export function columnWidths(head: readonly string[], body: readonly (readonly string[])[]): number[] {
  const widths = head.map((h) => h.length);
  for (const row of body) for (let i = 0; i < widths.length; i++) if (row[i].length > widths[i]) widths[i] = row[i].length;
  return widths;
}
