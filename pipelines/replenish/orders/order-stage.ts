/**
 * The order list as a stage of the run, for both shells (publishRun calls it in-process and in
 * the queue's publish worker): read the four input files the settings name
 * (`replenishment.stockFile`, `onOrderFile`, `itemsFile`, `suppliersFile`; the `--stock`,
 * `--on-order`, `--items`, `--suppliers` flags set them), match them to the run's series, build
 * the order list, and say what went wrong with the inputs as run warnings and run.json figures.
 *
 * Every run gets an order list: without a stock file each row still carries the reorder point
 * and order-up-to level the forecast implies, with a blank quantity and a reason saying that the
 * units on hand are needed (pipelines/replenish/orders/orders.ts).
 */
import type { Config } from '../../../config/schema.js';
import type { RunWarning } from '../../run/warnings.js';
import { countIssues, type InputFile, type InputIssue, type InputIssueCode } from '../inputs/input-issue.js';
import { parseItems } from '../inputs/items.js';
import { matchInputs, type FileCounts, type ParsedInputs } from '../inputs/match.js';
import { parseOnOrder } from '../inputs/on-order.js';
import { parseStock } from '../inputs/stock.js';
import { parseSuppliers } from '../inputs/suppliers.js';
import { readTableFile, type CsvTable } from '../inputs/table.js';
import { buildOrders, type OrderPlan, type OrderSeries } from './orders.js';
import { policyDefaults } from './item-policy.js';
import type { StageForecast } from '../demand-forecast.js';
import type { SegmentShifts } from '../replay/replay.js';
import { InputError, quoteInput } from '../../errors.js';

/** Input problems quoted per file and code in a run warning; the rest are counted. */
export const MAX_QUOTED_ISSUES = 3;

/**
 * The files of the settings, as paths (undefined when not given). The older keys
 * `replenishment.onHandFile` (store, sku, on_hand) and `overridesFile` (store, sku,
 * lead_time_days, service_level) are read as the stock and items files when those are not given:
 * their columns are a subset of the newer files' ({@link legacyNotes} says so in the run).
 */
export function orderInputPaths(config: Pick<Config, 'replenishment'>): Partial<Record<InputFile, string>> {
  const r = config.replenishment;
  const out: Partial<Record<InputFile, string>> = {};
  const stock = r.stockFile ?? r.onHandFile;
  const items = r.itemsFile ?? r.overridesFile;
  if (stock) out.stock = stock;
  if (r.onOrderFile) out['on-order'] = r.onOrderFile;
  if (items) out.items = items;
  if (r.suppliersFile) out.suppliers = r.suppliersFile;
  return out;
}

/** Notes on the older keys (see {@link orderInputPaths}): what each was read as, or that it was left unused. */
export function legacyNotes(config: Pick<Config, 'replenishment'>): string[] {
  const r = config.replenishment;
  const out: string[] = [];
  const say = (old: string, path: string, now: string, nowPath: string | undefined) =>
    out.push(nowPath ? `replenishment.${old} (${path}) is not used: replenishment.${now} is given` : `replenishment.${old} (${path}) is read as the ${now === 'stockFile' ? 'stock' : 'items'} file (replenishment.${now})`);
  if (r.onHandFile) say('onHandFile', r.onHandFile, 'stockFile', r.stockFile);
  if (r.overridesFile) say('overridesFile', r.overridesFile, 'itemsFile', r.itemsFile);
  return out;
}

async function readNamed(path: string, file: InputFile, maxBytes: number): Promise<CsvTable> {
  try {
    return await readTableFile(path, maxBytes);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${file} file ${quoteInput(path)}: ${e.message}`);
    throw e;
  }
}

/**
 * Read and parse the input files the settings name (module comment).
 * @throws InputError when a named file is missing, unreadable or too large (its content never throws:
 *   bad rows are issues).
 */
export async function readOrderInputs(config: Pick<Config, 'replenishment' | 'validation'>): Promise<ParsedInputs> {
  const paths = orderInputPaths(config);
  const max = config.validation.maxSideFileBytes;
  const out: { -readonly [K in keyof ParsedInputs]: ParsedInputs[K] } = {};
  if (paths.stock) out.stock = parseStock(await readNamed(paths.stock, 'stock', max));
  if (paths['on-order']) out.onOrder = parseOnOrder(await readNamed(paths['on-order'], 'on-order', max));
  if (paths.items) out.items = parseItems(await readNamed(paths.items, 'items', max));
  if (paths.suppliers) out.suppliers = parseSuppliers(await readNamed(paths.suppliers, 'suppliers', max));
  return out;
}

/** A forecast series as the order stage reads it (pipelines/forecast/forecast-series.ts SeriesForecast). */
export interface StageSeries extends StageForecast {
  readonly store: string;
  readonly sku: string;
}

/** The order list of a run and how its input files matched. */
export interface RunOrders {
  readonly plan: OrderPlan;
  readonly counts: Partial<Record<InputFile, FileCounts>>;
  /** The files given, by kind (as named in the settings). */
  readonly files: Partial<Record<InputFile, string>>;
}

/**
 * Match the inputs to the series and build the order list.
 * @param forecasts The run's forecasts (from the day after `runDay`).
 * @param parsed The input files ({@link readOrderInputs}).
 * @param runDay R, the last day of sales.
 * @param prices Last selling price per `store\u0000sku` (the unit value without a unit cost).
 * @param bucketDays Days per forecast period (7 for weekly data; pipelines/replenish/demand-forecast.ts).
 * @param shifts Safety factor shifts per segment calibrated by the run's replay (pipelines/replenish/replay/run-replay.ts).
 */
export function planRunOrders(
  forecasts: readonly StageSeries[],
  parsed: ParsedInputs,
  config: Pick<Config, 'replenishment'>,
  runDay: number,
  prices: Readonly<Record<string, number>> = {},
  bucketDays = 1,
  shifts: SegmentShifts = {},
): RunOrders {
  const series: OrderSeries[] = forecasts.map((f) => ({ store: f.store, sku: f.sku, forecast: f, price: prices[`${f.store}\u0000${f.sku}`] ?? NaN }));
  const matched = matchInputs(series, parsed);
  const plan = buildOrders(series, matched, { runDay, bucketDays, defaults: policyDefaults(config), staleStockDays: config.replenishment.staleStockDays, shifts });
  return { plan, counts: matched.counts, files: orderInputPaths(config) };
}

const FILE_WORDS: Record<InputFile, string> = { stock: 'stock', 'on-order': 'on-order', items: 'items', suppliers: 'suppliers' };

function issueWords(code: InputIssueCode, severity: InputIssue['severity']): string {
  if (code === 'unknown_series') return 'match no series of the sales and are not used';
  if (code === 'ambiguous_store') return 'name a sku sold in several stores without a store and are not used';
  return severity === 'reject' ? `are not used (${code.replace(/_/g, ' ')})` : `are used with a caution (${code.replace(/_/g, ' ')})`;
}

/**
 * Run warnings for the input problems: one per file and code, quoting the first
 * {@link MAX_QUOTED_ISSUES} (line, key and near match) and counting the rest.
 */
export function orderWarnings(orders: RunOrders): RunWarning[] {
  const groups = new Map<string, InputIssue[]>();
  for (const i of orders.plan.issues) {
    const k = `${i.file}\u0000${i.code}`;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  const out: RunWarning[] = [];
  for (const list of groups.values()) {
    const { file, code, severity } = list[0];
    const path = orders.files[file];
    const quoted = list.slice(0, MAX_QUOTED_ISSUES).map((i) => `line ${i.line}: ${i.message}`);
    const more = list.length - quoted.length;
    out.push({
      code: code === 'unknown_series' ? 'unmatched_input_rows' : `order_input_${code}`,
      message: `${list.length} row(s) of the ${FILE_WORDS[file]} file${path ? ` ${path}` : ''} ${issueWords(code, severity)}: ${quoted.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    });
  }
  return out;
}

/**
 * A warning when the sales end well before the run date: the order list plans from the day after
 * the last sale (the forecast's first day), so its "order today" is that day, not the run date.
 * @param runDay Day number of the run date. @param lastSalesDay R.
 * @param maxDays Days of gap allowed (`replenishment.staleStockDays`).
 * @param formatDay day number -> ISO date
 */
export function staleOrdersWarning(runDay: number, lastSalesDay: number, maxDays: number, formatDay: (d: number) => string): RunWarning | null {
  const gap = runDay - lastSalesDay;
  if (gap <= maxDays) return null;
  return {
    code: 'orders_from_old_sales',
    message: `the sales end on ${formatDay(lastSalesDay)}, ${gap} days before the run date ${formatDay(runDay)}: the order list plans orders for ${formatDay(lastSalesDay + 1)}, the day after the last sale, with stock as of then; give the latest sales to order for today`,
  };
}

/** run.json's `orders` block. */
export interface OrdersSummary {
  /** The day orders are placed (ISO date). */
  readonly orderDate: string;
  readonly series: number;
  /** Series with a stock count (null without a stock file). */
  readonly withStock: number | null;
  /** Series with an order due now (suggested quantity above 0). */
  readonly ordersDue: number;
  readonly units: number;
  /** Money at unit cost of the orders due; null when an ordered item has no unit cost. */
  readonly value: number | null;
  /** Series expected to run out before an order placed today arrives. */
  readonly stockoutsBeforeDelivery: number;
  readonly suppliers: number;
  /** Suppliers whose order is under their minimum order value. */
  readonly suppliersUnderMinimum: string[];
  /** Row counts per input file given (read = used + rejected). */
  readonly inputs: Partial<Record<InputFile, FileCounts & { path: string }>>;
  /** Input problems by code. */
  readonly issues: Partial<Record<InputIssueCode, number>>;
  readonly notes: string[];
}

/** The figures of run.json's `orders` block. @param formatDay day number -> ISO date */
export function ordersSummary(orders: RunOrders, formatDay: (d: number) => string): OrdersSummary {
  const { plan } = orders;
  const due = plan.rows.filter((r) => (r.suggestedQty ?? 0) > 0);
  const withoutCost = due.some((r) => r.valueBasis !== 'cost');
  const inputs: Partial<Record<InputFile, FileCounts & { path: string }>> = {};
  for (const [file, c] of Object.entries(orders.counts) as [InputFile, FileCounts][]) inputs[file] = { ...c, path: orders.files[file] ?? '' };
  return {
    orderDate: formatDay(plan.orderDay),
    series: plan.rows.length,
    withStock: orders.counts.stock ? plan.rows.filter((r) => r.onHand !== null).length : null,
    ordersDue: due.length,
    units: due.reduce((s, r) => s + (r.suggestedQty ?? 0), 0),
    value: withoutCost ? null : Math.round(due.reduce((s, r) => s + r.orderValue, 0) * 100) / 100,
    stockoutsBeforeDelivery: plan.rows.filter((r) => r.expectedStockout !== null && r.expectedStockout < r.arrival).length,
    suppliers: plan.suppliers.length,
    suppliersUnderMinimum: plan.suppliers.filter((s) => s.meetsMinimum === false).map((s) => s.supplier),
    inputs,
    issues: countIssues(plan.issues),
    notes: plan.notes,
  };
}
