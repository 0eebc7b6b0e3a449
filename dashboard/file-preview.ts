/**
 * What the "New run" page shows once a sales export is chosen: its dates, rows, the export
 * profile and the period the run would detect, and the run date a blank field stands for. Read
 * with the run's own code (pipelines/ingest/ingest.ts `ingestFile`, the profile catalogue
 * through it, pipelines/prepare/period-detect.ts `decidePeriod`), with the shop's settings and
 * today as the run date, so a row dated in the future does not move the last date. One pass
 * over the file; previews are kept per file (path, size, modification time), the last few only.
 */
import { stat } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { formatDay, parseIsoDay } from '../pipelines/dates.js';
import { ingestFile } from '../pipelines/ingest/ingest.js';
import { decidePeriod } from '../pipelines/prepare/period-detect.js';
import type { Frequency } from '../pipelines/periods.js';

/** What a preview found. */
export interface FilePreview {
  /** First and last accepted date, YYYY-MM-DD; null when no row was accepted. */
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** The day after the last date: the run date of a run without one (issue 15's `after-data` rule). */
  readonly dayAfter: string | null;
  readonly rows: { readonly read: number; readonly accepted: number; readonly rejected: number };
  readonly series: number;
  /** The period the run would model, and why (`decidePeriod`'s reason). */
  readonly frequency: Frequency;
  readonly frequencyReason: string;
  /** The export profile applied and how it was chosen. */
  readonly profile: { readonly name: string | null; readonly title: string | null; readonly by: string };
  readonly kind: string;
}

/**
 * Read a sales export as a run would (module comment).
 * @param config the dashboard's settings (profile, columns, periods, validation).
 * @param today the run date the rows are read against, YYYY-MM-DD.
 * @throws InputError when the file cannot be read as a sales export (no header, unknown columns...).
 */
export async function previewSalesFile(path: string, config: Config, today: string): Promise<FilePreview> {
  const ingest = await ingestFile(path, { config, runDay: parseIsoDay(today) });
  const period = decidePeriod({ kind: ingest.kind, series: ingest.series, dateHeader: ingest.mapping.date ?? '', labels: ingest.dateLabels }, config.periods);
  const has = Number.isFinite(ingest.end);
  return {
    firstDate: Number.isFinite(ingest.start) ? formatDay(ingest.start) : null,
    lastDate: has ? formatDay(ingest.end) : null,
    dayAfter: has ? formatDay(ingest.end + 1) : null,
    rows: { read: ingest.rows.read, accepted: ingest.rows.accepted, rejected: ingest.rows.rejected },
    series: ingest.series.length,
    frequency: period.grid.frequency,
    frequencyReason: period.reason,
    profile: ingest.profile,
    kind: ingest.kind,
  };
}

/** Previews kept per file, the most recent {@link PreviewCache.size} of them. */
export class PreviewCache {
  private readonly entries = new Map<string, Promise<FilePreview>>();

  constructor(private readonly size = 16) {}

  /** The preview of a file, read once per path, size, modification time and day. */
  async get(path: string, config: Config, today: string): Promise<FilePreview> {
    const st = await stat(path);
    const key = `${path}\0${st.size}\0${st.mtimeMs}\0${today}`;
    let p = this.entries.get(key);
    if (!p) {
      p = previewSalesFile(path, config, today);
      p.catch(() => this.entries.delete(key));
      this.entries.set(key, p);
      while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
    }
    return p;
  }
}
