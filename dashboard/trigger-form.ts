/**
 * Triggering a run from bull-board's "Add job" dialog, driven by the zod job schema.
 *
 * bull-board 9 renders the dialog's job-data editor from a queue's `jobDataSchema` (a JSON
 * Schema): it pre-fills the first example, completes and documents field names on hover, and
 * marks values the schema refuses. That schema is {@link runJobDataSchema}, converted from
 * `runPayloadSchema` (workers/queues.ts) with zod's `z.toJSONSchema`, so the form and the worker
 * read one definition. On submit, {@link boardHooks} validates the payload with the same zod
 * schema and refuses an invalid one with zod's messages (HTTP 400) before anything is queued;
 * a valid one goes to `enqueueRun` through dashboard/run-queue-adapter.ts.
 *
 * The same hook guards bull-board's "edit job data" route: a run job's data only through the same
 * zod schema (and file checks); the data of `train` and `publish` jobs is never edited (their run
 * wrote it; a failed one is retried); and it refuses hand-made jobs on those two queues (a run's
 * flow creates them).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BeforeHookResult, BoardHooks, ErrorTranslationKey, HookContext } from '@bull-board/api/dist/types.js';
import type { Config } from '../config/schema.js';
import { quoteInput } from '../pipelines/errors.js';
import { PathError } from '../pipelines/errors.js';
import { confinePath, dataLayout } from '../pipelines/io/paths.js';
import { payloadIssues, QUEUES, runPayloadSchema, type RunPayload } from '../workers/queues.js';

/** Help shown for each field of the run payload (the zod schema carries no descriptions). */
export const FIELD_HELP: Readonly<Record<string, string>> = {
  mode: '"input": forecast one sales export; "incoming": the nightly run (merge new files of <dataDir>/incoming into the history, forecast from the history)',
  input: 'sales export (CSV, optionally .gz), relative to the data directory, e.g. "samples/sample-sales.csv"',
  calendar: 'optional retailer calendar CSV (events, SNAP-style flags), relative to the data directory',
  runDate: 'run date YYYY-MM-DD; rows dated after it are rejected (left out or empty: config runDate, else the day after the last date of the input; a nightly-flow run: today)',
  stock: 'optional stock on hand CSV (store, sku, on_hand, optional as_of), relative to the data directory, as forecast run --stock',
  onOrder: 'optional open orders CSV (store, sku, qty, expected), relative to the data directory, as forecast run --on-order',
  items: 'optional items CSV (sku, supplier, lead_time_days, pack_size, ...), relative to the data directory, as forecast run --items',
  suppliers: 'optional suppliers CSV (supplier, delivery_days, cutoff, min_order_value), relative to the data directory, as forecast run --suppliers',
  frequency: 'period to model: auto (detected from the dates), day, week or month (default: config periods.frequency)',
  profile: 'export profile: online-retail, shopify, square, woocommerce, lightspeed, auto or none (default: config profile)',
  horizon: 'forecast horizon in periods of the data (days, weeks or months), 1 to 366 (default: config horizon, else 28 days, 13 weeks, 12 months)',
};

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft-07) of a run request, for bull-board's add-job editor: the zod
 * `runPayloadSchema` converted by `z.toJSONSchema` (input side: optional fields stay optional),
 * with a title, per-field descriptions from {@link FIELD_HELP} where zod has none, and `example`
 * as the first of `examples` (the editor pre-fills it).
 * @param example a payload to pre-fill; it must itself satisfy the schema.
 * @throws Error when `example` does not satisfy `runPayloadSchema`.
 */
export function runJobDataSchema(example: RunPayload): JsonSchema {
  const checked = runPayloadSchema.safeParse(example);
  if (!checked.success) throw new Error(`runJobDataSchema needs a valid example payload: ${checked.error.issues.map((i) => i.message).join('; ')}`);
  const schema = z.toJSONSchema(runPayloadSchema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const describe = (node: unknown) => {
    const props = (node as { properties?: Record<string, JsonSchema> }).properties;
    if (!props) return;
    for (const [name, prop] of Object.entries(props)) {
      if (prop.description === undefined && FIELD_HELP[name]) prop.description = FIELD_HELP[name];
    }
  };
  describe(schema);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) branches.forEach(describe);
  }
  return {
    ...schema,
    title: 'Forecast run',
    description: 'A run request of the forecast pipeline (workers/queues.ts runPayloadSchema).',
    examples: [checked.data],
  };
}

const SALES_FILE = /\.csv(\.gz)?$/i;

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * A run request to pre-fill the add-job editor with, so that every field is in view: the first
 * sales export found in `<dataDir>/samples`, the data directory itself or `<dataDir>/incoming`
 * (else `sales.csv`), a calendar file beside it when there is one, and the configured horizon.
 * No run date: left out, a run forecasts from the day after its input's last date (issue 15).
 * @param config settings (data directory, horizon).
 */
export function exampleRunPayload(config: Pick<Config, 'dataDir' | 'horizon'>): RunPayload {
  const root = dataLayout(config.dataDir).root;
  let input = 'sales.csv';
  let calendar: string | undefined;
  for (const sub of ['samples', '', 'incoming']) {
    const names = filesIn(join(root, sub)).filter((n) => SALES_FILE.test(n));
    const sales = names.find((n) => !/calendar/i.test(n));
    if (!sales) continue;
    const prefix = sub ? `${sub}/` : '';
    input = `${prefix}${sales}`;
    const cal = names.find((n) => /calendar/i.test(n));
    if (cal) calendar = `${prefix}${cal}`;
    break;
  }
  return { mode: 'input', input, ...(calendar ? { calendar } : {}), ...(config.horizon !== undefined ? { horizon: config.horizon } : {}) };
}

/**
 * bull-board's "invalid request body" message naming a field (`The "data" field in the request
 * body is not valid.`), shown as the title above zod's messages. bull-board passes a hook's
 * `errorKey` to its `errorResponse`, which also takes a key with interpolation options; the
 * hook's type only admits a bare key, hence the cast.
 */
function invalidField(field: string): ErrorTranslationKey {
  return { key: 'ERRORS.INVALID_REQUEST_BODY', options: { field } } as unknown as ErrorTranslationKey;
}

/** bull-board route of "add job" and of "edit job data". */
const ADD_ROUTE = '/api/queues/:queueName/add';
const UPDATE_DATA_ROUTE = '/api/queues/:queueName/:jobId/update-data';

/**
 * zod's issues as one line each: `input: must not contain ".." segments` (workers/queues.ts
 * `payloadIssues`: escaped and bounded).
 */
export function zodMessage(error: z.ZodError, what: string): string {
  return payloadIssues(error, what);
}

/**
 * The files a valid run request names, checked the way the worker will open them: inside the
 * data directory (`confinePath`) and existing.
 * @returns a message for the first problem, or undefined when both are fine.
 */
export function checkRunFiles(dataDir: string, payload: RunPayload): string | undefined {
  const files: Array<[string, string | undefined]> = [
    ['input', payload.mode === 'input' ? payload.input : undefined],
    ['calendar', payload.calendar],
    ['stock', payload.stock],
    ['onOrder', payload.onOrder],
    ['items', payload.items],
    ['suppliers', payload.suppliers],
  ];
  for (const [what, p] of files) {
    if (p === undefined) continue;
    try {
      if (!existsSync(confinePath(dataDir, p, what))) return `${what}: file not found in the data directory: ${quoteInput(p)}`;
    } catch (e) {
      if (e instanceof PathError) return `${what}: ${e.message}`;
      throw e;
    }
  }
  return undefined;
}

/**
 * Decide a bull-board API request before its handler runs (see the module comment).
 * @param ctx bull-board's hook context (route pattern, method, parsed params and body).
 * @param dataDir the data directory the run's files must be in.
 * @returns nothing to let the request through; `{ allow: false, status, message }` to refuse it.
 */
export function checkBoardRequest(ctx: Pick<HookContext, 'route' | 'request'>, dataDir: string): BeforeHookResult {
  const queue = String(ctx.request.params?.queueName ?? '');
  if (ctx.route === ADD_ROUTE) {
    if (queue !== QUEUES.run) {
      return {
        allow: false,
        status: 405,
        errorKey: 'ERRORS.FORBIDDEN',
        message: `jobs of the ${queue} queue are created by a run's flow: trigger a run on the "${QUEUES.run}" queue, or retry a failed job`,
      };
    }
    const r = runPayloadSchema.safeParse(ctx.request.body?.data);
    if (!r.success) return { allow: false, status: 400, errorKey: invalidField('data'), message: zodMessage(r.error, 'run') };
    const missing = checkRunFiles(dataDir, r.data);
    if (missing) return { allow: false, status: 400, errorKey: invalidField('data'), message: `invalid run payload: ${missing}` };
    return undefined;
  }
  if (ctx.route === UPDATE_DATA_ROUTE) {
    if (queue === QUEUES.train || queue === QUEUES.publish) {
      return {
        allow: false,
        status: 405,
        errorKey: 'ERRORS.FORBIDDEN',
        message: `the data of ${queue} jobs is written by their run and cannot be edited: retry the job, or trigger the run again on the "${QUEUES.run}" queue`,
      };
    }
    if (queue !== QUEUES.run) return undefined; // unknown queue: bull-board answers 404 itself
    const r = runPayloadSchema.safeParse(ctx.request.body?.jobData);
    if (!r.success) return { allow: false, status: 400, errorKey: invalidField('jobData'), message: zodMessage(r.error, queue) };
    const missing = checkRunFiles(dataDir, r.data);
    if (missing) return { allow: false, status: 400, errorKey: invalidField('jobData'), message: `invalid run payload: ${missing}` };
  }
  return undefined;
}

/**
 * The hooks given to `createBullBoard` (`options.handlerHooks`).
 * @param dataDir the data directory the run's files must be in.
 */
export function boardHooks(dataDir: string): BoardHooks {
  return { before: (ctx) => checkBoardRequest(ctx, dataDir) };
}
