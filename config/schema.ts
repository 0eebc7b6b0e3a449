/**
 * One zod schema for every setting, with every default in one place.
 *
 * The CLI, the workers and the dashboard all read a {@link Config} produced by
 * `loadConfig` (config/load.ts): defaults, then a JSON config file, then
 * environment variables, then command-line flags.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** Explicit column mapping; a field left out is auto-detected from the header. */
export const columnsSchema = z
  .object({
    date: z.string().optional(),
    sku: z.string().optional(),
    store: z.string().optional(),
    quantity: z.string().optional(),
    price: z.string().optional(),
    transaction: z.string().optional(),
    description: z.string().optional(),
    customer: z.string().optional(),
  })
  .strict();

export const validationSchema = z
  .object({
    /** Reject rows dated after the run date. @defaultValue true */
    rejectFutureDates: z.boolean().default(true),
    /**
     * What to do with a line that repeats an earlier one exactly (transaction lines), or a daily
     * total that repeats the one of an earlier row for the same store, sku and day: `drop` rejects
     * it as `duplicate_row`, `flag` keeps it as a real sale and counts it, `keep` keeps it without
     * looking. Conflicting daily totals (`duplicate_key`) are rejected unless `keep`. The units
     * dropped or flagged are counted in run.json `duplicateLines`; a warning when they pass 1% of
     * the units. @defaultValue the export profile's (pipelines/ingest/profiles/), else "drop"
     */
    duplicateLines: z.enum(['drop', 'flag', 'keep']).optional(),
    /** Reject negative quantities that carry no return/cancellation marker (else they are returns). @defaultValue the export profile's, else true */
    rejectUnmarkedNegatives: z.boolean().optional(),
    /** Stock codes that are not products (case-insensitive whole-code match). @defaultValue the export profile's, else general codes such as POSTAGE, SHIPPING, TIP (pipelines/ingest/profiles/export-profile.ts) */
    nonProductCodes: z.array(z.string()).optional(),
    /** Regular expressions (case-insensitive) for stock codes that are not products; anchor them (`^...$`). @defaultValue the export profile's, else none */
    nonProductPatterns: z.array(z.string()).optional(),
    /** A transaction id matching this pattern marks a return or cancellation. @defaultValue the export profile's (Online Retail: "^C"), else none */
    cancellationPattern: z.string().optional(),
    /** Share of rows rejected above which a run warns, naming the top reasons. @defaultValue 0.05 */
    warnRejectedShare: z.number().min(0).max(1).default(0.05),
    /** Share of rows rejected above which a run stops (exit 3) unless `acceptRejects`. @defaultValue 0.5 */
    maxRejectedShare: z.number().min(0).max(1).default(0.5),
    /** Go on however many rows are rejected (`--accept-rejects`); the warning stays. @defaultValue false */
    acceptRejects: z.boolean().default(false),
    /** Days the data may end before the run date (its last day to the day before); more stops the run (exit 3, `--max-stale-days`). @defaultValue none: a gap only warns (`stale_data`) */
    maxStaleDays: z.number().int().min(0).optional(),
    /** Order of day and month in slashed dates (1/2/2011): "auto" decides per file from the first chunk of rows (a part above 12 is the day; "dmy" when nothing tells). @defaultValue "auto" */
    dateOrder: z.enum(['auto', 'dmy', 'mdy']).default('auto'),
    /** Robust outlier rule: |x - median| > threshold * 1.4826 * MAD of the series' selling days. @defaultValue 5 */
    outlierThreshold: z.number().positive().default(5),
    /**
     * Earliest plausible date (YYYY-MM-DD): rows dated before it are rejected as
     * `implausible_date` (a "no date" value such as 1900-01-01 or 1970-01-01, a typo). When
     * future dates are allowed (`rejectFutureDates: false`), rows more than 366 days after the
     * run date are implausible too. @defaultValue 20 years before the run date
     */
    minDate: isoDate.optional(),
    /**
     * Largest plausible quantity of one row, in absolute value: beyond it a row is rejected as
     * `implausible_quantity` (a barcode or an amount typed into the quantity column, `1e308`).
     * At most 1e12, so that sums of many rows stay exact enough and finite. @defaultValue 1000000
     */
    maxQuantity: z.number().positive().max(1e12).default(1_000_000),
    /**
     * A series starts at its first row after its last silence (days without any row of the
     * series) longer than this: rows before such a silence (a stray old row, a product code
     * reused years later) are kept out of the series and counted in run.json `detached`, so
     * one stray row neither stretches the series, the gap filling and the memory over years,
     * nor drags the forecast towards zero. @defaultValue 365
     */
    maxGapDays: z.number().int().min(28).max(36_600).default(365),
    /**
     * Longest line (record) of a sales export, in characters: a longer one is rejected as
     * `line_too_long` (its first characters are kept in rejected.csv) and reading goes on with
     * the next line; a header this long is an input error. Also bounds the memory and time one
     * line can cost (a file with no line break at all, a gzip of zeros). @defaultValue 1048576
     */
    maxLineChars: z.number().int().min(1024).max(1 << 28).default(1 << 20),
    /**
     * Rows listed in rejected.csv per reject code (the first ones of the file); the rest are
     * counted in run.json `rejectedNotListed` (rows read = accepted + rejected still holds), so a
     * file of millions of bad rows cannot fill the disk. @defaultValue 100000
     */
    maxRejectedRowsPerCode: z.number().int().min(1).default(100_000),
    /**
     * Largest calendar, overrides or on-hand stock file read, in bytes; each must also be a
     * regular file (not a device such as /dev/zero, a FIFO or a directory). @defaultValue 67108864 (64 MiB)
     */
    maxSideFileBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
  })
  .strict();

export const qualitySchema = z
  .object({
    /** A run of at least this many zero-demand days inside a selling period is a suspected stockout. @defaultValue 14 */
    stockoutMinRun: z.number().int().positive().default(14),
  })
  .strict();

export const periodsSchema = z
  .object({
    /**
     * Period the sales are modelled in: `auto` detects day, week or month from the spacing of each
     * series' dates (pipelines/prepare/period-detect.ts); `week` or `month` on daily or transaction
     * data sums it to that period; `day` on weekly or monthly data models the rows as daily
     * (with a warning). `--frequency` overrides. @defaultValue "auto"
     */
    frequency: z.enum(['auto', 'day', 'week', 'month']).default('auto'),
    /**
     * What a weekly file's date is: the week's first day (`start`) or its last (`end`); `auto`:
     * `end` when the date column's header says so (`week_ending`, `Week End`), else `start`. @defaultValue "auto"
     */
    weekDates: z.enum(['auto', 'start', 'end']).default('auto'),
    /** First weekday of the weeks daily data is summed into (`frequency: week` on daily data). @defaultValue "monday" (ISO 8601) */
    weekStart: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).default('monday'),
  })
  .strict();

export const cleaningSchema = z
  .object({
    /** Master switch for the cleaning stage. @defaultValue true */
    enabled: z.boolean().default(true),
    /** Winsorise outliers to the robust limit. @defaultValue true */
    winsorise: z.boolean().default(true),
    /** Treat suspected stockout days as missing demand. @defaultValue true */
    stockoutsAsMissing: z.boolean().default(true),
    /** Fill gaps inside the active range. @defaultValue "seasonal" */
    gapFill: z.enum(['zero', 'seasonal']).default('seasonal'),
    /** Half-width in days of the rolling window of the winsorising rule (pipelines/prepare/clean.ts). @defaultValue 28 */
    outlierWindowDays: z.number().int().min(1).default(28),
    /** Winsorise above median + threshold * max(1.4826 MAD, sqrt(median), 1) of the window's selling days (why 5: README, Configuration). @defaultValue 5 */
    winsoriseThreshold: z.number().positive().default(5),
    /** A zero run is a stockout only if its chance under the local selling rate, (1-p)^L, is below this (why 1e-7: README, Configuration). @defaultValue 1e-7 */
    stockoutMaxProbability: z.number().gt(0).lt(1).default(1e-7),
    /** Fill at most this many unobserved days at the end of a daily series (longer: discontinued, left at zero). @defaultValue 28 */
    maxTailFillDays: z.number().int().min(0).default(28),
    /** Merge mis-keyed skus (one edit from a store's sku, rows only on its missing days) in daily inputs. @defaultValue true */
    reconcileKeys: z.boolean().default(true),
  })
  .strict();

/** The model pooled over all daily series (pipelines/forecast/pooled-stage.ts; README, Configuration). */
export const pooledSchema = z
  .object({
    /** Blend the pooled model into daily runs' forecasts. @defaultValue true */
    enabled: z.boolean().default(true),
    /** Its weight in the published mean of a series selling on most days (smooth or erratic demand): (1 - weight) · chosen + weight · pooled. @defaultValue 0.5 */
    weight: z.number().min(0).max(1).default(0.5),
    /** Its weight for the other series (intermittent, lumpy, no sale; why lower: README, Configuration). @defaultValue 0.3 */
    intermittentWeight: z.number().min(0).max(1).default(0.3),
    /** Most training rows (a seeded sample of whole series' histories beyond it). @defaultValue 200000 */
    maxRows: z.number().int().min(1).default(200_000),
    /** Fewer training rows than this: no pooled model (too little to learn from). @defaultValue 10000 */
    minRows: z.number().int().min(1).default(10_000),
    /** Fewer series with training rows than this: no pooled model (a small catalogue: too few series to learn across). @defaultValue 10 */
    minSeries: z.number().int().min(1).default(10),
  })
  .strict();

export const modelsSchema = z
  .object({
    /** Candidate model names, or "auto" for the class-based candidate sets. @defaultValue "auto" */
    candidates: z.union([z.literal('auto'), z.array(z.string()).min(1)]).default('auto'),
    /** Rolling-origin backtest origins. @defaultValue 3 */
    backtestOrigins: z.number().int().min(1).default(3),
    /** Days between backtest origins. @defaultValue 7 */
    backtestStep: z.number().int().min(1).default(7),
    /** Combine the best k models (mean) when that beats the single best in the backtest; 1 disables. @defaultValue 3 */
    combineTop: z.number().int().min(1).default(3),
    /**
     * When to publish the mean of the best `combineTop` models: `if-better` (only when it beats the
     * best single model in the backtest) or `always` (pipelines/forecast/select.ts). `always` won on three
     * earlier M5 periods (about 1% mean RMSSE, 2% WRMSSE), then on the hold-out too (0.7167 vs
     * 0.7223 mean RMSSE): a 3-origin backtest picks a single winner noisily. @defaultValue "always"
     */
    combine: z.enum(['if-better', 'always']).default('always'),
    /** Fewer observations than this after the first sale: cold-start fallback model. @defaultValue 56 */
    minHistory: z.number().int().min(1).default(56),
    /** Fit on at most this many most recent days (0 = all). @defaultValue 728 (104 weeks; why: README, Configuration) */
    maxHistory: z.number().int().min(0).default(728),
    /** Fit each backtest origin on at most this many days before it (0 = maxHistory): halves the backtest cost (README, Configuration). @defaultValue 364 */
    backtestMaxHistory: z.number().int().min(0).default(364),
    /**
     * The model pooled over all daily series (pipelines/forecast/pooled-stage.ts): one
     * gradient-boosted-tree model trained on every series' history, averaged with each series'
     * chosen forecast (README, Configuration).
     */
    pooled: pooledSchema.default(() => pooledSchema.parse({})),
    /**
     * Research option: de-price each daily series' history with its own-price elasticity, pooled
     * over its department (pipelines/forecast/price-elasticity.ts; README, "Price elasticity").
     * Absent by default (not false), so it leaves the run id of every other run as it was.
     * @defaultValue absent (off)
     */
    priceElasticity: z.boolean().optional(),
  })
  .strict();

export const intervalsSchema = z
  .object({
    /** Interval coverage levels in percent. @defaultValue [80, 95] */
    levels: z.array(z.number().gt(0).lt(100)).default([80, 95]),
  })
  .strict();

export const replenishmentSchema = z
  .object({
    /** Supplier lead time in days. @defaultValue 7 */
    leadTimeDays: z.number().int().min(1).default(7),
    /** Cycle service level (probability of no stockout during a lead time). @defaultValue 0.95 */
    serviceLevel: z.number().gt(0).lt(1).default(0.95),
    /** Review period in days (order-up-to level covers lead time + review period). @defaultValue 7 */
    reviewPeriodDays: z.number().int().min(0).default(7),
    /** Optional CSV of per-sku overrides: store,sku,lead_time_days,service_level. */
    overridesFile: z.string().optional(),
    /** Optional CSV of on-hand stock: store,sku,on_hand. */
    onHandFile: z.string().optional(),
    /**
     * What `serviceLevel` promises in the order list (pipelines/replenish/policy.ts): `cycle`, the
     * probability of no stockout in a replenishment cycle, or `fill_rate`, the share of demand
     * served from stock. @defaultValue "cycle"
     */
    serviceType: z.enum(['cycle', 'fill_rate']).default('cycle'),
    /** Standard deviation of the supplier lead time in days (0 = a fixed lead time). @defaultValue 0 */
    leadTimeSdDays: z.number().min(0).default(0),
    /** A stock count older than this many days before the last sales day is flagged. @defaultValue 7 */
    staleStockDays: z.number().int().min(0).default(7),
    /** Optional stock file (`--stock`): store, sku, on_hand, as_of (pipelines/replenish/inputs/stock.ts). */
    stockFile: z.string().optional(),
    /** Optional open orders file (`--on-order`): store, sku, qty, expected (pipelines/replenish/inputs/on-order.ts). */
    onOrderFile: z.string().optional(),
    /** Optional items file (`--items`): how each sku is bought (pipelines/replenish/inputs/items.ts). */
    itemsFile: z.string().optional(),
    /** Optional suppliers file (`--suppliers`): delivery days, cut-off, minimum order value (pipelines/replenish/inputs/suppliers.ts). */
    suppliersFile: z.string().optional(),
    /** The replay of the policy on past sales (pipelines/replenish/replay/replay-study.ts). */
    simulation: z
      .object({
        /**
         * Weeks of past sales replayed and reported, by `forecast simulate` and in every daily
         * `forecast run` (run.json `simulation`, simulation.csv, the report); 0 = no replay in runs
         * (`forecast simulate` needs at least 1). @defaultValue 13
         */
        weeks: z.number().int().min(0).default(13),
        /** Weeks before them on which the segments' safety factors are calibrated; 0 = none. @defaultValue 13 */
        calibrationWeeks: z.number().int().min(0).default(13),
        /** Days between forecast refits in the replay. @defaultValue 7 */
        refitDays: z.number().int().min(1).default(7),
        /**
         * Days between forecast refits in the replay of every `forecast run` (absent: once at the
         * start of each window, the forecast read further ahead between refits; README, "The replay
         * in every run"). `forecast simulate` uses `refitDays`.
         */
        runRefitDays: z.number().int().min(1).optional(),
        /**
         * Most series replayed in every `forecast run`: more are sampled, spread evenly over sales
         * volume (run.json `simulation.sample`); 0 = all. `forecast simulate` replays all. @defaultValue 100
         */
        runMaxSeries: z.number().int().min(0).default(100),
        /** The simple policy compared: order up to this many weeks of average sales. @defaultValue 3 */
        simpleCoverWeeks: z.number().gt(0).default(3),
        /** Days of sales the simple policy averages. @defaultValue 28 */
        simpleAverageDays: z.number().int().min(1).default(28),
      })
      .strict()
      .default(() => ({ weeks: 13, calibrationWeeks: 13, refitDays: 7, runMaxSeries: 100, simpleCoverWeeks: 3, simpleAverageDays: 28 })),
  })
  .strict();

export const queueSchema = z
  .object({
    /** Redis URL; environment REDIS_URL overrides. @defaultValue "redis://127.0.0.1:6379" */
    redisUrl: z.string().default('redis://127.0.0.1:6379'),
    /**
     * Key prefix of every queue and of the fit data in Redis: one per shop (data directory), so
     * shops sharing one Redis never see each other's jobs. Fit-only workers on other machines
     * (`forecast worker --queues train`) must be given the shop's prefix (`--prefix`, printed by
     * `forecast worker` at start). @defaultValue "forecast-" + 8 hex digits of a hash of the data
     * directory's real path (workers/queues.ts `queuePrefix`)
     */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]{1,64}$/, 'must be 1-64 letters, digits, "_", "-" or braces (a Redis Cluster hash tag such as {shop1})')
      .optional(),
    /**
     * Bytes of batch series held in Redis at once for a queued run: the run job adds a batch's
     * series as earlier batches are fitted (workers/batch-feed.ts). At least one batch is always
     * in flight. @defaultValue 268435456 (256 MiB)
     */
    maxInflightBytes: z.number().int().min(1).default(256 * 1024 * 1024),
    /** Series per train-batch job. @defaultValue 50 */
    batchSize: z.number().int().min(1).default(50),
    /** Concurrent jobs per worker process. @defaultValue 1 */
    concurrency: z.number().int().min(1).default(1),
    /** Attempts per job before it fails for good. @defaultValue 3 */
    attempts: z.number().int().min(1).default(3),
    /** First retry delay in ms (exponential backoff). @defaultValue 1000 */
    backoffMs: z.number().int().min(0).default(1000),
    /** Job lock duration in ms; a worker that dies loses its jobs to another after about this long. @defaultValue 30000 */
    lockDurationMs: z.number().int().min(100).default(30_000),
    /** Interval of the stalled-job check in ms. @defaultValue 30000 */
    stalledIntervalMs: z.number().int().min(100).default(30_000),
    /** Times a job may stall (its worker died) before it fails. @defaultValue 2 */
    maxStalledCount: z.number().int().min(0).default(2),
    /** Bounded wait for active jobs on SIGTERM/SIGINT before they are abandoned, ms. @defaultValue 30000 */
    shutdownGraceMs: z.number().int().min(0).default(30_000),
  })
  .strict();

export const scheduleSchema = z
  .object({
    /** Cron pattern of the nightly run. @defaultValue "0 2 * * *" */
    cron: z.string().default('0 2 * * *'),
    /** IANA time zone of the cron pattern. @defaultValue "UTC" */
    tz: z.string().default('UTC'),
  })
  .strict();

export const dashboardSchema = z
  .object({
    /** Address the dashboard listens on; any other than loopback requires a password. @defaultValue "127.0.0.1" */
    host: z.string().default('127.0.0.1'),
    /** TCP port of the dashboard (0: any free port). @defaultValue 3000 */
    port: z.number().int().min(0).max(65535).default(3000),
    /** Basic-auth user; environment FORECAST_DASHBOARD_USER overrides. @defaultValue "forecast" (dashboard/auth.ts) */
    user: z.string().optional(),
    /** Basic-auth password; environment FORECAST_DASHBOARD_PASSWORD overrides. Unset on loopback: a random one is printed once at start. */
    password: z.string().optional(),
    /** Largest file the "New run" page accepts, bytes; refused while it streams in. @defaultValue 200 MB (209715200) */
    maxUploadBytes: z.number().int().min(1).default(200 * 1024 * 1024),
  })
  .strict();

export const configSchema = z
  .object({
    /** Directory under which incoming files, history and run outputs live. @defaultValue "./forecast-data" */
    dataDir: z.string().default('./forecast-data'),
    /** Run date (YYYY-MM-DD); rows after it are rejected. @defaultValue today (UTC) */
    runDate: isoDate.optional(),
    /**
     * Forecast horizon in periods of the data: days for daily data, weeks or months for weekly and
     * monthly data (pipelines/prepare/period-detect.ts). @defaultValue 28 days, 13 weeks, 12 months
     * (pipelines/periods.ts `DEFAULT_HORIZON`)
     */
    horizon: z.number().int().min(1).max(366).optional(),
    periods: periodsSchema.default(() => periodsSchema.parse({})),
    /** Season length of daily data, in days (weekly and monthly data: 52 weeks, 12 months; pipelines/periods.ts). @defaultValue 7 */
    season: z.number().int().min(1).default(7),
    /**
     * Worker threads that fit the series of an in-process run (`forecast run`, `forecast nightly`),
     * at most: 0 = one per CPU core (at most 8), 1 = fit on the main thread; a run too small to
     * repay the threads' start fits on the main thread whatever the setting
     * (pipelines/forecast/threads.ts `fitThreads`). The outputs do not depend on it (each series
     * is fitted alone, results are put back in order). Queued runs scale with worker processes
     * instead (`queue.*`). @defaultValue 0
     */
    threads: z.number().int().min(0).max(64).default(0),
    /**
     * Export profile (pipelines/ingest/profiles/): `online-retail`, `shopify`, `square`,
     * `woocommerce`, `lightspeed`; `auto` picks one when the header identifies the export
     * unambiguously; `none` uses the general defaults only. Settings given here override the
     * profile's. @defaultValue "auto"
     */
    profile: z.string().default('auto'),
    /**
     * IANA time zone of the shop (`Europe/Berlin`): a UTC timestamp (`...Z`) counts on its local
     * date there. A timestamp with an offset (`-05:00`) always counts on its own local date; one
     * without zone on the date as written. @defaultValue none (UTC timestamps keep their UTC date)
     */
    timezone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'expected an IANA time zone such as Europe/Berlin or America/New_York')
      .optional(),
    /** Sheet of an .xlsx input to read. @defaultValue the first sheet */
    sheet: z.string().optional(),
    columns: columnsSchema.default({}),
    validation: validationSchema.default(() => validationSchema.parse({})),
    quality: qualitySchema.default(() => qualitySchema.parse({})),
    cleaning: cleaningSchema.default(() => cleaningSchema.parse({})),
    models: modelsSchema.default(() => modelsSchema.parse({})),
    intervals: intervalsSchema.default(() => intervalsSchema.parse({})),
    /**
     * Aggregate levels to forecast coherently and publish in forecasts-levels.csv
     * (pipelines/hierarchy/run-levels.ts): `total`, `store`, item attributes of the items file
     * (`category`, `department`) and their crossings (`store/category`); `default` stands for the
     * total, the store, each item attribute and its crossing with store. [] = none. @defaultValue []
     */
    levels: z
      .array(
        z
          .string()
          .trim()
          .refine((n) => n !== '' && n.split('/').every((a) => a.trim() !== ''), 'expected a level name such as total, store or store/category (attributes joined by /, none empty), or default'),
      )
      .default([]),
    /** Quantile probabilities to publish in quantiles.csv, strictly ascending in (0, 1). [] = none. @defaultValue [] */
    quantiles: z
      .array(z.number().gt(0).lt(1))
      .refine((q) => q.every((x, i) => i === 0 || x > q[i - 1]), 'must be strictly ascending')
      .default([]),
    replenishment: replenishmentSchema.default(() => replenishmentSchema.parse({})),
    queue: queueSchema.default(() => queueSchema.parse({})),
    schedule: scheduleSchema.default(() => scheduleSchema.parse({})),
    dashboard: dashboardSchema.default(() => dashboardSchema.parse({})),
  })
  .strict();

/** Fully resolved settings. */
export type Config = z.infer<typeof configSchema>;
/** Settings as written in a config file (every field optional). */
export type ConfigInput = z.input<typeof configSchema>;

/** The defaults, as one object. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
