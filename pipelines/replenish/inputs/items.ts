/**
 * The items file (`--items`): how each sku is bought. One row per sku (all its stores), or per
 * store × sku (overrides the sku's row for that store). Every setting is optional; an empty
 * cell keeps the default (the supplier's, then the run's settings).
 *
 * | column             | recognised headers (normalised)                                             | value |
 * |--------------------|------------------------------------------------------------------------------|-------|
 * | sku (required)     | as in sales files                                                            | text |
 * | store              | as in sales files                                                            | text; empty = every store |
 * | supplier           | supplier, supplier_id, supplier_name, vendor, vendor_id, vendor_name         | text |
 * | lead_time_days     | lead_time_days, lead_time, lt, lead_days                                     | whole days >= 0 |
 * | lead_time_sd_days  | lead_time_sd_days, lead_time_sd, lead_time_std, lead_time_stdev, lt_sd       | days >= 0 |
 * | pack_size          | pack_size, pack, pack_qty, case_size, case_pack, case_qty, inner_pack, order_multiple, units_per_case | whole units >= 1 |
 * | min_order_qty      | min_order_qty, moq, minimum_order_quantity, min_order_quantity, min_qty      | units >= 0 |
 * | unit_cost          | unit_cost, cost, cost_price, purchase_price, buy_price, net_cost, landed_cost | money >= 0 |
 * | review_period_days | review_period_days, review_period, review_days, order_cycle, order_cycle_days | whole days >= 1 |
 * | service_target     | service_target, service_level, target_service_level, fill_rate_target, target | 0.95, 95 or 95% (strictly between 0 and 100%) |
 * | service_type       | service_type, service_measure, target_type                                   | `cycle` (cycle service level, also csl, alpha, p1) or `fill_rate` (also fill rate, fill, beta, p2) |
 *
 * The same store × sku (or the same sku without store) listed twice rejects the later row.
 */
import { z } from 'zod';
import { CATEGORY_NAMES, DEPARTMENT_NAMES } from '../../ingest/columns.js';
import { seriesKey } from '../replenish.js';
import { byLine } from './input-issue.js';
import { parseTable, rejectRepeats, SKU_NAMES, STORE_NAMES, type CsvTable, type TableSpec } from './table.js';
import type { InputRows } from './stock.js';

/** Which service measure a target is: cycle service level (P1) or fill rate (β, P2). */
export type ServiceType = 'cycle' | 'fill_rate';

/** One items row; absent fields keep their defaults. */
export interface ItemRow {
  readonly line: number;
  readonly sku: string;
  /** '' = every store of the sku. */
  readonly store: string;
  readonly supplier?: string;
  readonly leadTimeDays?: number;
  readonly leadTimeSdDays?: number;
  readonly packSize?: number;
  readonly minOrderQty?: number;
  readonly unitCost?: number;
  readonly reviewPeriodDays?: number;
  readonly serviceTarget?: number;
  readonly serviceType?: ServiceType;
  /** Item attributes the forecast levels group by (config `levels`, pipelines/hierarchy/run-levels.ts). */
  readonly department?: string;
  readonly category?: string;
}

type Field =
  | 'store'
  | 'sku'
  | 'supplier'
  | 'lead_time_days'
  | 'lead_time_sd_days'
  | 'pack_size'
  | 'min_order_qty'
  | 'unit_cost'
  | 'review_period_days'
  | 'service_target'
  | 'service_type'
  | 'department'
  | 'category';

/** Cell text (normalised) -> service type. */
export const SERVICE_TYPE_NAMES: Readonly<Record<string, ServiceType>> = {
  cycle: 'cycle', cycleservice: 'cycle', cycleservicelevel: 'cycle', csl: 'cycle', alpha: 'cycle', p1: 'cycle',
  fillrate: 'fill_rate', fill: 'fill_rate', beta: 'fill_rate', p2: 'fill_rate',
};

/** Header names of the supplier column (items and suppliers files). */
export const SUPPLIER_NAMES = ['supplier', 'supplierid', 'suppliername', 'suppliercode', 'vendor', 'vendorid', 'vendorname'];
/** Header names of a lead time in days (items and suppliers files). */
export const LEAD_TIME_NAMES = ['leadtimedays', 'leadtime', 'lt', 'leaddays', 'leadtimeindays'];

// the category and department names are shared with the sales file's attribute columns
export { CATEGORY_NAMES, DEPARTMENT_NAMES } from '../../ingest/columns.js';

const SPEC: TableSpec<Field> = {
  file: 'items',
  fields: {
    store: { names: STORE_NAMES, required: false, kind: 'text' },
    sku: { names: SKU_NAMES, required: true, kind: 'text' },
    supplier: { names: SUPPLIER_NAMES, required: false, kind: 'text' },
    lead_time_days: { names: LEAD_TIME_NAMES, required: false, kind: 'number' },
    lead_time_sd_days: { names: ['leadtimesddays', 'leadtimesd', 'leadtimestd', 'leadtimestddev', 'leadtimestdev', 'ltsd'], required: false, kind: 'number' },
    pack_size: { names: ['packsize', 'pack', 'packqty', 'casesize', 'casepack', 'caseqty', 'innerpack', 'ordermultiple', 'unitspercase', 'unitsperpack'], required: false, kind: 'number' },
    min_order_qty: { names: ['minorderqty', 'moq', 'minimumorderquantity', 'minorderquantity', 'minqty', 'minimumorderqty'], required: false, kind: 'number' },
    unit_cost: { names: ['unitcost', 'cost', 'costprice', 'purchaseprice', 'buyprice', 'netcost', 'landedcost'], required: false, kind: 'number' },
    review_period_days: { names: ['reviewperioddays', 'reviewperiod', 'reviewdays', 'ordercycle', 'ordercycledays'], required: false, kind: 'number' },
    service_target: { names: ['servicetarget', 'servicelevel', 'targetservicelevel', 'fillratetarget', 'target'], required: false, kind: 'fraction' },
    service_type: { names: ['servicetype', 'servicemeasure', 'targettype'], required: false, kind: 'choice', choices: SERVICE_TYPE_NAMES },
    department: { names: DEPARTMENT_NAMES, required: false, kind: 'text' },
    category: { names: CATEGORY_NAMES, required: false, kind: 'text' },
  },
};

const wholeDays = (min: number) => z.number().int('must be a whole number of days').min(min, `must be ${min} or more`);

/** Schema of an items row's converted cells. */
export const itemRowSchema = z.object({
  store: z.string().optional(),
  sku: z.string(),
  supplier: z.string().optional(),
  lead_time_days: wholeDays(0).optional(),
  lead_time_sd_days: z.number().min(0, 'must be 0 or more').optional(),
  pack_size: z.number().int('must be a whole number of units').min(1, 'must be 1 or more').optional(),
  min_order_qty: z.number().min(0, 'must be 0 or more').optional(),
  unit_cost: z.number().min(0, 'must be 0 or more').optional(),
  review_period_days: wholeDays(1).optional(),
  service_target: z.number().gt(0, 'must be above 0%').lt(1, 'must be below 100%').optional(),
  service_type: z.enum(['cycle', 'fill_rate'], { error: 'must be cycle or fill_rate' }).optional(),
  department: z.string().optional(),
  category: z.string().optional(),
});

/** Parse an items table (module comment); never throws on content. */
export function parseItems(table: CsvTable): InputRows<ItemRow> {
  const t = parseTable(table, SPEC, itemRowSchema);
  const unique = rejectRepeats(
    t.rows,
    'items',
    (r) => seriesKey(r.store ?? '', r.sku),
    (r) => (r.store ? `store "${r.store}" sku "${r.sku}"` : `sku "${r.sku}" (all stores)`),
  );
  const rows = unique.kept.map(
    (r): ItemRow => ({
      line: r.line,
      sku: r.sku,
      store: r.store ?? '',
      supplier: r.supplier,
      leadTimeDays: r.lead_time_days,
      leadTimeSdDays: r.lead_time_sd_days,
      packSize: r.pack_size,
      minOrderQty: r.min_order_qty,
      unitCost: r.unit_cost,
      reviewPeriodDays: r.review_period_days,
      serviceTarget: r.service_target,
      serviceType: r.service_type,
      department: r.department,
      category: r.category,
    }),
  );
  return { rows, issues: [...t.issues, ...unique.issues].sort(byLine), read: t.read, rejected: t.rejected + unique.issues.length, hasStore: t.columns.index.store >= 0 };
}
