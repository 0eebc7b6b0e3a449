/**
 * The "New run" routes (page: dashboard/new-run-page.ts):
 * - `GET /new-run`: step 1; with `?input=incoming/<file>` (and side files) step 2, the file read;
 * - `POST /new-run/upload`: a multipart upload (dashboard/upload.ts), then 303 to step 2;
 * - `POST /new-run/start`: the run's settings; the run is queued with `enqueueRun`, exactly as
 *   `forecast enqueue` and bull-board's "Add job" queue it, then 303 to the run's page.
 *
 * Only files listed in `incoming/` (sales) and `incoming/side/` (side files) can be named: a
 * request naming anything else is refused. Authentication and the same-origin rule apply as to
 * every route (dashboard/server.ts); a refused request gets the page again with the reason.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import type { Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import { InputError, retryOf, safeMessage } from '../pipelines/errors.js';
import { PROFILES } from '../pipelines/ingest/profiles/catalogue.js';
import { dataLayout } from '../pipelines/io/paths.js';
import { defaultRunDate, todayInScheduleZone } from '../pipelines/run/run-request.js';
import type { RunPayload } from '../workers/queues.js';
import { enqueueRun } from '../workers/run-queue.js';
import { PreviewCache } from './file-preview.js';
import { PAGE_CSP, PAGES } from './layout.js';
import { renderNewRunPage, SIDE_FILES, type NewRunView, type SideField } from './new-run-page.js';
import { checkRunFiles } from './trigger-form.js';
import { receiveUpload, SIDE_DIR, UploadError } from './upload.js';

/** Names a listing shows: files, not hidden, not still being written (as the nightly run skips them). */
function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.startsWith('.') && !/\.(part|tmp|partial)$/i.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** The files that can be named: sales exports of incoming/, side files of incoming/side/ (paths relative to the data directory). */
export function nameableFiles(dataDir: string): { incoming: string[]; side: string[] } {
  const dir = dataLayout(dataDir).incoming;
  return { incoming: listFiles(dir), side: listFiles(join(dir, SIDE_DIR)) };
}

/** A refused form: the message shown above it. */
export class FormError extends Error {
  override readonly name = 'FormError';
}

/**
 * The run request of a submitted form: blanks and "as detected" left out (the run's defaults
 * apply: a blank run date is the day after the data once issue 15's rule is in), every file
 * checked against the listings.
 * @param form the submitted fields.
 * @param files {@link nameableFiles}.
 * @throws FormError for a file not listed or a horizon that is not a whole number.
 */
export function formPayload(form: Readonly<Record<string, unknown>>, files: { incoming: readonly string[]; side: readonly string[] }): RunPayload {
  const text = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : '');
  const input = text('input');
  if (!files.incoming.some((n) => `incoming/${n}` === input)) throw new FormError('choose a sales export of incoming/ (upload one, or pick one in the list)');
  const payload: Record<string, unknown> = { mode: 'input', input };
  for (const [field] of SIDE_FILES) {
    const v = text(field);
    if (!v) continue;
    if (!files.side.some((n) => `incoming/${SIDE_DIR}/${n}` === v)) throw new FormError(`${field}: choose a file of incoming/${SIDE_DIR}/ or none`);
    payload[field] = v;
  }
  if (text('runDate')) payload.runDate = text('runDate');
  if (text('horizon')) {
    const h = Number(text('horizon'));
    if (!Number.isInteger(h)) throw new FormError('horizon: a whole number of periods, 1 to 366, or blank');
    payload.horizon = h;
  }
  if (text('frequency')) payload.frequency = text('frequency');
  if (text('profile')) payload.profile = text('profile');
  return payload as RunPayload;
}

/** Add the routes to the dashboard's app (after authentication and the CSRF guard). */
export function addNewRunRoutes(app: express.Express, config: Config, runQueue: Queue): void {
  const previews = new PreviewCache();
  const dataDir = config.dataDir;
  const today = () => defaultRunDate(todayInScheduleZone(config), Date.now());

  /** The page for a chosen file (or step 1 when none), with an optional refusal. */
  async function view(chosen: NewRunView['chosen'], extra: Partial<NewRunView> = {}): Promise<NewRunView> {
    const files = nameableFiles(dataDir);
    const base: NewRunView = {
      ...files,
      maxUploadBytes: config.dashboard.maxUploadBytes,
      settings: { frequency: config.periods.frequency, profile: config.profile, horizon: config.horizon },
      profiles: PROFILES.map((p) => p.name),
      ...extra,
    };
    if (!chosen) return base;
    if (!files.incoming.some((n) => `incoming/${n}` === chosen.input)) return { ...base, error: extra.error ?? 'that file is not in incoming/ (any more): choose another' };
    try {
      return { ...base, chosen, preview: await previews.get(join(dataDir, chosen.input), config, today()) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { ...base, chosen, previewError: safeMessage(e.message, { max: 600 }) };
    }
  }

  const send = (res: Response, status: number, v: NewRunView) =>
    res.status(status).set({ 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' }).type('html').send(renderNewRunPage(v));

  const chosenOf = (q: Record<string, unknown>): NewRunView['chosen'] => {
    if (typeof q.input !== 'string' || !q.input) return undefined;
    const side: Partial<Record<SideField, string>> = {};
    for (const [f] of SIDE_FILES) if (typeof q[f] === 'string' && q[f]) side[f] = q[f] as string;
    return { input: q.input, side };
  };

  app.get(PAGES.newRun, async (req: Request, res: Response) => {
    send(res, 200, await view(chosenOf(req.query as Record<string, unknown>)));
  });

  app.post(`${PAGES.newRun}/upload`, async (req: Request, res: Response) => {
    try {
      const upload = await receiveUpload(req, { dataDir, maxBytes: config.dashboard.maxUploadBytes });
      const sales = upload.files.find((f) => f.field === 'sales');
      if (!sales) throw new UploadError('choose the sales export to upload', 400);
      const q = new URLSearchParams({ input: sales.path });
      for (const f of upload.files) if (f.field !== 'sales') q.set(f.field, f.path);
      res.redirect(303, `${PAGES.newRun}?${q}`);
    } catch (e) {
      if (!(e instanceof UploadError)) throw e;
      if (e.status === 413) res.set('Connection', 'close');
      send(res, e.status, await view(undefined, { error: `upload refused: ${e.message}` }));
    }
  });

  app.post(`${PAGES.newRun}/start`, express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 30 }), async (req: Request, res: Response) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const chosen = chosenOf(form);
    try {
      const payload = formPayload(form, nameableFiles(dataDir));
      const missing = checkRunFiles(dataDir, payload);
      if (missing) throw new FormError(missing);
      const queued = await enqueueRun(runQueue, config, payload);
      res.redirect(303, `${PAGES.runs}/${encodeURIComponent(queued.jobId)}`);
    } catch (e) {
      if (!(e instanceof FormError) && retryOf(e) !== 'never') throw e;
      const values = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      send(res, 400, await view(chosen, { error: `the run was not started: ${(e as Error).message}`, values }));
    }
  });
}
